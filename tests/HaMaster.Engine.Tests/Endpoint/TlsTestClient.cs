using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using HaMaster.TestSupport;

namespace HaMaster.Engine.Tests.Endpoint;

/// <summary>HTTPS requests that trust exactly one CA (and optionally present a client certificate).</summary>
public sealed class TlsTestClient(X509Certificate2 trustedCa, X509Certificate2? clientCertificate = null)
{
    public sealed record Reply(HttpStatusCode Status, string Body, string? ContentType);

    public static TlsTestClient Trusting(string caFile, PemPair? clientPair = null)
    {
        X509Certificate2 ca = X509Certificate2.CreateFromPem(File.ReadAllText(caFile));
        X509Certificate2? client = clientPair?.Load();
        return new TlsTestClient(ca, client);
    }

    public async Task<Reply> SendAsync(HttpMethod method, string url, HttpContent? content = null)
    {
        using var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            ConnectTimeout = TimeSpan.FromSeconds(5),
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, errors) => IsTrusted(certificate, errors),
                ClientCertificates = clientCertificate is null ? null : new X509CertificateCollection { clientCertificate },
            },
        };
        using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(10) };
        using var request = new HttpRequestMessage(method, url) { Content = content };
        using HttpResponseMessage response = await http.SendAsync(request);
        return new Reply(response.StatusCode, await response.Content.ReadAsStringAsync(), response.Content.Headers.ContentType?.MediaType);
    }

    public Task<Reply> GetAsync(string url) => SendAsync(HttpMethod.Get, url);

    /// <summary>A TLS handshake only, with exactly the given protocol version allowed.</summary>
    public async Task<SslProtocols> HandshakeAsync(IPEndPoint address, SslProtocols protocol)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(address);
        await using var tls = new SslStream(tcp.GetStream(), false, (_, certificate, _, errors) => IsTrusted(certificate, errors));
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = address.Address.ToString(),
            EnabledSslProtocols = protocol,
        });
        return tls.SslProtocol;
    }

    private bool IsTrusted(X509Certificate? certificate, SslPolicyErrors errors)
    {
        if (certificate is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != SslPolicyErrors.None)
            return false;
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(trustedCa);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(new X509Certificate2(certificate));
    }

    /// <summary>True if a plain TCP connect to the address is actively refused.</summary>
    public static async Task<bool> IsRefusedAsync(IPEndPoint address)
    {
        using var tcp = new TcpClient();
        try
        {
            await tcp.ConnectAsync(address);
            return false;
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused)
        {
            return true;
        }
    }
}
