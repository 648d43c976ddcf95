using System.Security.Cryptography.X509Certificates;
using HaMaster.Engine.Certificates;

namespace HaMaster.Engine.Health;

/// <summary>
/// Asks an API endpoint's <c>/readyz</c> over TLS verified against the cluster CA (never
/// "insecure"): the answer counts only from a server holding a certificate of this cluster that
/// names the address asked, or, when the module reaches a replica through another address than the
/// one its certificate names (a cloud VM's ephemeral public address, docs/design.md §3 rule 11's one
/// exception), that names the replica's own address.
/// </summary>
public sealed class ApiProbe : IApiProbe
{
    private readonly HttpClient _client;

    public ApiProbe(X509Certificate2 clusterCa, TimeSpan timeout)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = timeout,
            PooledConnectionLifetime = TimeSpan.Zero,
            SslOptions = { RemoteCertificateValidationCallback = TrustValidation.CallbackTrustingForTargetHost(clusterCa) },
        };
        _client = new HttpClient(handler) { Timeout = timeout };
    }

    /// <summary>How a problem starts when the API server answered but said it is not ready (its etcd, not its own process).</summary>
    public const string AnsweredNotReady = "/readyz answered";

    /// <summary>Null when ready, otherwise why not.</summary>
    public Task<string?> ReadyProblemAsync(string address, int port, CancellationToken cancellationToken) =>
        ReadyProblemAsync(address, address, port, cancellationToken);

    public async Task<string?> ReadyProblemAsync(string address, string certificateName, int port, CancellationToken cancellationToken)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"https://{address}:{port}/readyz");
            // The Host header is also the TLS target host the certificate is checked against.
            if (certificateName != address) request.Headers.Host = certificateName;
            using var response = await _client.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (response.IsSuccessStatusCode) return null;
            var body = (await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false)).Trim();
            return $"{AnsweredNotReady} {(int)response.StatusCode}{(body.Length > 0 ? ": " + body : "")}";
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return "/readyz did not answer in time";
        }
        catch (HttpRequestException e)
        {
            return "/readyz unreachable: " + Innermost(e).Message;
        }
    }

    private static Exception Innermost(Exception e)
    {
        while (e.InnerException is not null) e = e.InnerException;
        return e;
    }

    public void Dispose() => _client.Dispose();
}
