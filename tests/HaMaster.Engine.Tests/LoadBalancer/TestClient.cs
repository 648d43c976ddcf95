using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Xunit;

namespace HaMaster.Engine.Tests.LoadBalancer;

/// <summary>A client of the cluster address that trusts only the test CA, as kubectl would.</summary>
internal static class TestClient
{
    /// <summary>Sends one request over a new TLS connection and returns the answering backend's name.</summary>
    public static async Task<string> AskWhoAnswersAsync(string address, int port, X509Certificate2 trustedCa, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Parse(address), port, timeout.Token);
        await using var tls = new SslStream(client.GetStream());
        var trust = new X509ChainPolicy
        {
            TrustMode = X509ChainTrustMode.CustomRootTrust,
            RevocationMode = X509RevocationMode.NoCheck,
        };
        trust.CustomTrustStore.Add(trustedCa);
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = address, CertificateChainPolicy = trust }, timeout.Token);
        await tls.WriteAsync(Encoding.ASCII.GetBytes($"GET /whoami HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"), timeout.Token);
        using var reader = new StreamReader(tls, Encoding.UTF8);
        var response = await reader.ReadToEndAsync(timeout.Token);
        Assert.StartsWith("HTTP/1.1 200", response);
        return response[(response.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..];
    }

    public static async Task<bool> IsListeningAsync(string address, int port)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Parse(address), port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
