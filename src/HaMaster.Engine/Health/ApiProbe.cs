using System.Security.Cryptography.X509Certificates;
using HaMaster.Engine.Certificates;

namespace HaMaster.Engine.Health;

/// <summary>
/// Asks an API endpoint's <c>/readyz</c> over TLS verified against the cluster CA (never
/// "insecure"): the answer counts only from a server holding a certificate of this cluster that
/// names the address asked.
/// </summary>
public sealed class ApiProbe : IDisposable
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

    /// <summary>Null when ready, otherwise why not.</summary>
    public async Task<string?> ReadyProblemAsync(string address, int port, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await _client.GetAsync($"https://{address}:{port}/readyz", cancellationToken).ConfigureAwait(false);
            if (response.IsSuccessStatusCode) return null;
            var body = (await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false)).Trim();
            return $"/readyz answered {(int)response.StatusCode}{(body.Length > 0 ? ": " + body : "")}";
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
