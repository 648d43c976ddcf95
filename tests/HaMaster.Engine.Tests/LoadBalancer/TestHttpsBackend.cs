using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace HaMaster.Engine.Tests.LoadBalancer;

/// <summary>A stand-in for a replica's API endpoint: HTTPS, answers GET /readyz with <see cref="ReadyStatus"/>
/// and any other request with its own name as the body.</summary>
internal sealed class TestHttpsBackend : IAsyncDisposable
{
    private readonly TcpListener listener;
    private readonly X509Certificate2 certificate;
    private readonly CancellationTokenSource stopping = new();
    private readonly Task accepting;
    private int readyStatus = 200;

    public TestHttpsBackend(string name, string address, int port, X509Certificate2 certificate)
    {
        Name = name;
        Address = address;
        this.certificate = certificate;
        listener = new TcpListener(IPAddress.Parse(address), port);
        listener.Start();
        accepting = AcceptAsync();
    }

    public string Name { get; }
    public string Address { get; }

    public int ReadyStatus
    {
        get => Volatile.Read(ref readyStatus);
        set => Volatile.Write(ref readyStatus, value);
    }

    private async Task AcceptAsync()
    {
        while (true)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(stopping.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            _ = ServeAsync(client);
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var _ = client;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping.Token);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        try
        {
            await using var tls = new SslStream(client.GetStream());
            await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = certificate }, timeout.Token);
            var requestLine = await ReadRequestLineAndHeadersAsync(tls, timeout.Token);
            var path = requestLine.Split(' ') is [_, var target, ..] ? target : "";
            var (status, body) = path == "/readyz" ? (ReadyStatus, "ready") : (200, Name);
            var response = $"HTTP/1.1 {status} {(status == 200 ? "OK" : "Error")}\r\nContent-Type: text/plain\r\n" +
                           $"Content-Length: {Encoding.UTF8.GetByteCount(body)}\r\nConnection: close\r\n\r\n{body}";
            await tls.WriteAsync(Encoding.UTF8.GetBytes(response), timeout.Token);
            await tls.FlushAsync(timeout.Token);
        }
        catch (Exception e) when (e is IOException or AuthenticationException or OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Clients that reject the certificate or hang up early are part of what is being tested.
        }
    }

    private static async Task<string> ReadRequestLineAndHeadersAsync(Stream stream, CancellationToken cancellationToken)
    {
        var head = new List<byte>();
        var buffer = new byte[1];
        while (head.Count < 16 * 1024 && !(head.Count >= 4 && head[^4] == '\r' && head[^3] == '\n' && head[^2] == '\r' && head[^1] == '\n'))
        {
            if (await stream.ReadAsync(buffer, cancellationToken) == 0) break;
            head.Add(buffer[0]);
        }
        var text = Encoding.ASCII.GetString(head.ToArray());
        var end = text.IndexOf("\r\n", StringComparison.Ordinal);
        return end < 0 ? text : text[..end];
    }

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        listener.Stop();
        await accepting;
        stopping.Dispose();
        certificate.Dispose();
    }
}
