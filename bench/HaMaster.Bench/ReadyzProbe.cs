using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using HaMaster.Engine.Certificates;
using HaMaster.Engine.Model;

namespace HaMaster.Bench;

/// <summary>
/// One <c>GET /readyz</c> on a new TCP connection and a new TLS session, the server's certificate
/// verified against the cluster CA and required to name the address probed. A new connection per
/// probe means every probe goes through the load balancer's choice of a backend.
/// </summary>
public sealed class ReadyzProbe
{
    private readonly IPEndPoint _endpoint;
    private readonly string _host;
    private readonly RemoteCertificateValidationCallback _validate;
    private readonly byte[] _request;

    public ReadyzProbe(string address, X509Certificate2 clusterCa, int port = Ports.Api)
    {
        _endpoint = new IPEndPoint(IPAddress.Parse(address), port);
        _host = address;
        _validate = TrustValidation.CallbackTrusting(clusterCa, expectedHost: address);
        _request = Encoding.ASCII.GetBytes($"GET /readyz HTTP/1.1\r\nHost: {address}:{port}\r\nConnection: close\r\n\r\n");
    }

    /// <summary>Null when the answer was 200 within <paramref name="deadline"/>, otherwise what went wrong (short, stable words).</summary>
    public async Task<string?> ProbeAsync(TimeSpan deadline, CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(deadline);
        var phase = "connect";
        try
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            await socket.ConnectAsync(_endpoint, timeout.Token).ConfigureAwait(false);
            phase = "tls";
            await using var tls = new SslStream(new NetworkStream(socket, ownsSocket: false), leaveInnerStreamOpen: false, _validate);
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = _host,
                EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            }, timeout.Token).ConfigureAwait(false);
            phase = "http";
            await tls.WriteAsync(_request, timeout.Token).ConfigureAwait(false);
            var status = await ReadStatusAsync(tls, timeout.Token).ConfigureAwait(false);
            return status == 200 ? null : status is null ? "http: no status line" : $"http {status}";
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return $"{phase}: no answer within {deadline.TotalMilliseconds:0} ms";
        }
        catch (SocketException e)
        {
            return $"{phase}: {e.SocketErrorCode}";
        }
        catch (AuthenticationException)
        {
            return $"{phase}: certificate not trusted";
        }
        catch (IOException e)
        {
            return $"{phase}: {(e.InnerException is SocketException s ? s.SocketErrorCode.ToString() : "connection closed")}";
        }
    }

    /// <summary>Reads the answer's head and returns its status code.</summary>
    private static async Task<int?> ReadStatusAsync(Stream stream, CancellationToken cancellationToken)
    {
        var buffer = new byte[1024];
        var received = new MemoryStream();
        int? status = null;
        while (true)
        {
            var read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            if (read == 0) break;
            received.Write(buffer, 0, read);
            var text = Encoding.ASCII.GetString(received.GetBuffer(), 0, (int)received.Length);
            var end = text.IndexOf("\r\n", StringComparison.Ordinal);
            if (status is null && end > 0)
            {
                var parts = text[..end].Split(' ');
                status = parts.Length >= 2 && int.TryParse(parts[1], out var code) ? code : -1;
            }
            // The head is enough: the answer counts as soon as it is complete.
            if (status is not null && text.Contains("\r\n\r\n", StringComparison.Ordinal)) break;
            if (received.Length > 64 * 1024) break;
        }
        return status;
    }
}
