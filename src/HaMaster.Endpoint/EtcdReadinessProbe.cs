using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;

namespace HaMaster.Endpoint;

/// <summary>
/// Decides readiness by a linearizable (quorum) range read against this replica's own etcd member,
/// through etcd's JSON gRPC gateway over mutual TLS. Concurrent callers share one read in flight,
/// and a result is reused while it is younger than <see cref="CacheDuration"/>.
/// </summary>
public sealed class EtcdReadinessProbe : IDisposable
{
    public static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan CacheDuration = TimeSpan.FromMilliseconds(100);

    private const string ProbeKey = "/hamaster/readyz";
    private const string ServerAuthenticationOid = "1.3.6.1.5.5.7.3.1";

    private readonly Uri rangeUri;
    private readonly X509Certificate2Collection trustedCas;
    private readonly X509Certificate2 clientCertificate;
    private readonly HttpClient httpClient;
    private readonly object gate = new();
    private Task<TimedResult>? latest;
    private volatile string? lastCertificateRejection;

    private sealed record TimedResult(ReadinessResult Result, long StartedAt);

    public EtcdReadinessProbe(EtcdClientConfig config)
    {
        trustedCas = PemCertificates.LoadAll(config.CaFile);
        clientCertificate = PemCertificates.LoadWithPrivateKey(config.CertFile, config.KeyFile);
        rangeUri = new Uri(config.Endpoint, "/v3/kv/range");

        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            ConnectTimeout = ReadTimeout,
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
            SslOptions = new SslClientAuthenticationOptions
            {
                EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                ClientCertificates = new X509CertificateCollection { clientCertificate },
                CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                RemoteCertificateValidationCallback = ValidateEtcdServerCertificate,
            },
        };
        httpClient = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
    }

    public Task<ReadinessResult> CheckAsync()
    {
        lock (gate)
        {
            if (latest is null || (latest.IsCompleted && IsStale(latest.Result)))
                latest = ReadFromEtcdAsync();
            return UnwrapAsync(latest);
        }
    }

    private static bool IsStale(TimedResult result) =>
        Stopwatch.GetElapsedTime(result.StartedAt) >= CacheDuration;

    private static async Task<ReadinessResult> UnwrapAsync(Task<TimedResult> timed) => (await timed.ConfigureAwait(false)).Result;

    private async Task<TimedResult> ReadFromEtcdAsync()
    {
        long startedAt = Stopwatch.GetTimestamp();
        // Returns to the caller, which holds the lock, before any work is done.
        await Task.Yield();
        ReadinessResult result;
        try
        {
            result = await QuorumReadAsync().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            result = ReadinessResult.NotReady(DescribeFailure(e));
        }
        return new TimedResult(result, startedAt);
    }

    /// <summary>
    /// A read cut by a leadership change ("leader changed", as while HaMaster hands leadership on before
    /// it stops a replica) is asked again within the same second: the cluster did not stop serving, and
    /// reporting not-ready would make the load balancer fail requests for nothing.
    /// </summary>
    private async Task<ReadinessResult> QuorumReadAsync()
    {
        using var timeout = new CancellationTokenSource(ReadTimeout);
        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            var (status, error) = await RangeAsync(timeout.Token).ConfigureAwait(false);
            if (error is null) return ReadinessResult.Ready;
            if (!error.Contains(LeaderChanged, StringComparison.Ordinal) || Stopwatch.GetElapsedTime(started) + RetryPause >= ReadTimeout)
                return ReadinessResult.NotReady(status is null ? error : $"etcd: HTTP {status}: {error}");
            await Task.Delay(RetryPause, timeout.Token).ConfigureAwait(false);
        }
    }

    private const string LeaderChanged = "leader changed";
    private static readonly TimeSpan RetryPause = TimeSpan.FromMilliseconds(25);

    /// <summary>One linearizable range read: no error, or the HTTP status (null when the answer was not an error status) and etcd's message.</summary>
    private async Task<(int? Status, string? Error)> RangeAsync(CancellationToken cancellationToken)
    {
        // No "serializable" field: etcd serves the range linearizably, which needs a quorum.
        string body = JsonSerializer.Serialize(new { key = Convert.ToBase64String(Encoding.UTF8.GetBytes(ProbeKey)) });
        using var request = new HttpRequestMessage(HttpMethod.Post, rangeUri)
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));

        using HttpResponseMessage response = await httpClient.SendAsync(request, cancellationToken).ConfigureAwait(false);
        string responseBody = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
            return ((int)response.StatusCode, ExtractErrorMessage(responseBody));
        if (!LooksLikeRangeResponse(responseBody))
            return (null, "etcd: unexpected range response");
        return (null, null);
    }

    private static bool LooksLikeRangeResponse(string body)
    {
        try
        {
            using JsonDocument document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("header", out _);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static string ExtractErrorMessage(string body)
    {
        try
        {
            using JsonDocument document = JsonDocument.Parse(body);
            foreach (string name in new[] { "message", "error" })
            {
                if (document.RootElement.ValueKind == JsonValueKind.Object
                    && document.RootElement.TryGetProperty(name, out JsonElement value)
                    && value.ValueKind == JsonValueKind.String)
                    return value.GetString()!;
            }
        }
        catch (JsonException)
        {
        }
        return body.Length > 200 ? body[..200] : body;
    }

    private string DescribeFailure(Exception failure)
    {
        if (failure is OperationCanceledException)
            return $"etcd: no linearizable read within {ReadTimeout.TotalSeconds:0.###}s";

        for (Exception? e = failure; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case SocketException socketError:
                    return $"etcd: {socketError.Message.ToLowerInvariant()}";
                case AuthenticationException authenticationError:
                    string? rejection = lastCertificateRejection;
                    return rejection is null
                        ? $"etcd: TLS handshake failed: {authenticationError.Message}"
                        : $"etcd: TLS handshake failed: {rejection}";
            }
        }
        return $"etcd: {failure.GetBaseException().Message}";
    }

    /// <summary>Accepts the etcd server certificate only if it chains to the configured etcd CA.</summary>
    private bool ValidateEtcdServerCertificate(object sender, X509Certificate? certificate, X509Chain? presentedChain, SslPolicyErrors errors)
    {
        string? rejection = CertificateRejectionReason(certificate, presentedChain, errors);
        lastCertificateRejection = rejection;
        return rejection is null;
    }

    private string? CertificateRejectionReason(X509Certificate? certificate, X509Chain? presentedChain, SslPolicyErrors errors)
    {
        if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
            return "etcd presented no server certificate";
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
            return $"etcd server certificate does not name {rangeUri.Host}";

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(trustedCas);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ApplicationPolicy.Add(new Oid(ServerAuthenticationOid));
        if (presentedChain is not null)
        {
            foreach (X509ChainElement element in presentedChain.ChainElements)
                chain.ChainPolicy.ExtraStore.Add(element.Certificate);
        }

        X509Certificate2 leaf = certificate as X509Certificate2 ?? new X509Certificate2(certificate);
        if (chain.Build(leaf))
            return null;
        string status = string.Join(", ", chain.ChainStatus.Select(s => s.Status.ToString()).Distinct());
        return $"etcd server certificate does not chain to the etcd CA ({status})";
    }

    public void Dispose()
    {
        httpClient.Dispose();
        clientCertificate.Dispose();
        foreach (X509Certificate2 ca in trustedCas)
            ca.Dispose();
    }
}
