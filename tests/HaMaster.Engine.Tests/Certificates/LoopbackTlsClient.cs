using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

namespace HaMaster.Engine.Tests.Certificates;

internal static class LoopbackTlsClient
{
    /// <summary>Connects to 127.0.0.1:<paramref name="port"/>, sends the payload and returns the echo.</summary>
    public static async Task<byte[]> ExchangeAsync(
        int port,
        string targetHost,
        RemoteCertificateValidationCallback serverCertificateValidation,
        X509Certificate2? clientCertificate,
        byte[] payload,
        CancellationToken cancellation)
    {
        using var connection = new TcpClient();
        await connection.ConnectAsync(IPAddress.Loopback, port, cancellation);
        await using var tls = new SslStream(connection.GetStream());
        var options = new SslClientAuthenticationOptions
        {
            TargetHost = targetHost,
            RemoteCertificateValidationCallback = serverCertificateValidation,
        };
        if (clientCertificate is not null)
        {
            options.ClientCertificates = [clientCertificate];
        }

        await tls.AuthenticateAsClientAsync(options, cancellation);
        await tls.WriteAsync(payload, cancellation);
        await tls.FlushAsync(cancellation);

        var echo = new byte[payload.Length];
        await tls.ReadExactlyAsync(echo, cancellation);
        await tls.ShutdownAsync();
        return echo;
    }
}
