using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace HaMaster.Endpoint;

/// <summary>Serves one accepted TCP connection: TLS handshake, one HTTP/1.1 request, one response, close.</summary>
public sealed class HttpsConnectionHandler(Func<ServingState> currentState)
{
    /// <summary>Upper bound for handshake plus reading the request head; slow or idle clients are dropped.</summary>
    public static readonly TimeSpan RequestDeadline = TimeSpan.FromSeconds(10);

    public async Task HandleAsync(Socket socket, CancellationToken shutdown)
    {
        ServingState state = currentState();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(shutdown);
        deadline.CancelAfter(RequestDeadline);
        try
        {
            socket.NoDelay = true;
            await using var network = new NetworkStream(socket, ownsSocket: true);
            await using var tls = new SslStream(network, leaveInnerStreamOpen: false);
            await tls.AuthenticateAsServerAsync(ServerOptions(state), deadline.Token).ConfigureAwait(false);

            HttpResponse response;
            bool includeBody = true;
            try
            {
                HttpRequestHead? request = await HttpRequestHead.ReadAsync(tls, deadline.Token).ConfigureAwait(false);
                if (request is null)
                    return;
                includeBody = request.Method != "HEAD";
                var client = state.Clients.Authenticate(tls.RemoteCertificate);
                response = await RequestRouter.RouteAsync(request, state, client, socket.LocalEndPoint?.ToString() ?? "").ConfigureAwait(false);
            }
            catch (HttpProtocolException e)
            {
                response = HttpResponse.Text(e.StatusCode, e.Message);
            }

            await response.WriteAsync(tls, includeBody, deadline.Token).ConfigureAwait(false);
            await tls.ShutdownAsync().ConfigureAwait(false);
            socket.Shutdown(SocketShutdown.Send);
        }
        catch (Exception e) when (e is IOException or SocketException or AuthenticationException
                                      or OperationCanceledException or ObjectDisposedException)
        {
            // The client went away, stalled past the deadline or failed the handshake: nothing to answer.
        }
        finally
        {
            socket.Dispose();
        }
    }

    private static SslServerAuthenticationOptions ServerOptions(ServingState state) => new()
    {
        ServerCertificateContext = state.ServerCertificate,
        // Asked for, not required: anonymous requests reach the public paths, and a certificate is
        // judged after the handshake (ClientAuthenticator), as kube-apiserver does.
        ClientCertificateRequired = true,
        RemoteCertificateValidationCallback = (_, _, _, _) => true,
        EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
        CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        AllowRenegotiation = false,
    };
}
