using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

namespace HaMaster.Engine.Tests.Certificates;

/// <summary>
/// A TLS echo server on 127.0.0.1 that accepts a single connection, echoes what it
/// reads until the client closes, and reports the outcome through <see cref="Completion"/>.
/// </summary>
internal sealed class LoopbackTlsServer : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();

    private LoopbackTlsServer(TcpListener listener, SslServerAuthenticationOptions options)
    {
        _listener = listener;
        Completion = ServeOneConnectionAsync(options, _stop.Token);
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Completes when the connection is over; faults if the handshake or the echo failed.</summary>
    public Task Completion { get; }

    /// <summary>The subject of the client certificate the server accepted, if any.</summary>
    public string? ClientCertificateSubject { get; private set; }

    public static LoopbackTlsServer Start(
        X509Certificate2 serverCertificate,
        bool clientCertificateRequired = false,
        RemoteCertificateValidationCallback? clientCertificateValidation = null)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var options = new SslServerAuthenticationOptions
        {
            ServerCertificate = serverCertificate,
            ClientCertificateRequired = clientCertificateRequired,
            RemoteCertificateValidationCallback = clientCertificateValidation,
        };
        return new LoopbackTlsServer(listener, options);
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        try
        {
            await Completion.WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (Exception)
        {
            // Each test asserts on Completion itself; disposal only makes sure it ended.
        }

        _stop.Dispose();
    }

    private async Task ServeOneConnectionAsync(SslServerAuthenticationOptions options, CancellationToken cancellation)
    {
        using TcpClient connection = await _listener.AcceptTcpClientAsync(cancellation);
        await using var tls = new SslStream(connection.GetStream());
        await tls.AuthenticateAsServerAsync(options, cancellation);
        ClientCertificateSubject = tls.RemoteCertificate?.Subject;

        var buffer = new byte[4096];
        int read;
        while ((read = await tls.ReadAsync(buffer, cancellation)) > 0)
        {
            await tls.WriteAsync(buffer.AsMemory(0, read), cancellation);
            await tls.FlushAsync(cancellation);
        }
    }
}
