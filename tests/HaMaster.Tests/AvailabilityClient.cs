using System.Diagnostics;
using System.Net.Security;
using HaMaster.Engine.Certificates;
using HaMaster.Engine.Etcd;
using HaMaster.Engine.Pki;

namespace HaMaster.Tests;

/// <summary>
/// What a user of the cluster sees while an operation runs on it: probes through the cluster address
/// and writes to etcd, each every 20 ms, as the benchmark's availability client does.
/// </summary>
public static class AvailabilityClient
{
    /// <summary>Generous on purpose: a probe or write counts as failed when it is refused or errs, not when a loaded machine is slow.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);

    /// <summary>A new TLS connection to the cluster address every 20 ms, GET /readyz; returns how many ran and the ones that failed.</summary>
    public static async Task<(int Count, List<string> Failed)> ProbeAsync(string endpoint, string pki, CancellationToken stop)
    {
        var ca = new ClusterPki(pki).LoadClusterCa();
        var failed = new List<string>();
        var count = 0;
        while (!stop.IsCancellationRequested)
        {
            var tick = Task.Delay(20);
            using (var handler = new SocketsHttpHandler { UseProxy = false, PooledConnectionLifetime = TimeSpan.Zero, SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = TrustValidation.CallbackTrusting(ca) } })
            using (var http = new HttpClient(handler) { Timeout = Patience })
            {
                try
                {
                    var response = await http.GetAsync($"{endpoint}/readyz", CancellationToken.None);
                    if (!response.IsSuccessStatusCode) failed.Add($"{DateTime.UtcNow:HH:mm:ss.fff} {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(CancellationToken.None)}");
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    failed.Add($"{DateTime.UtcNow:HH:mm:ss.fff} {e.GetBaseException().Message}");
                }
            }
            count++;
            await tick;
        }
        return (count, failed);
    }

    /// <summary>
    /// A put every 20 ms, tried on each member in turn until one acknowledges; a write fails when none
    /// did within the patience. Every half second the member list is read again, so that members
    /// added meanwhile (a rollout's replacements) are written to once the first ones are gone.
    /// </summary>
    public static async Task<(List<string> Written, List<string> Failed)> WriteAsync(IReadOnlyList<string> endpoints, string pki, string prefix, CancellationToken stop)
    {
        using var etcd = new EtcdGateway(new ClusterPki(pki).LoadEtcdCredentials()) { RequestTimeout = TimeSpan.FromSeconds(1) };
        var members = endpoints.ToList();
        var written = new List<string>();
        var failed = new List<string>();
        var preferred = 0;
        for (var i = 0; !stop.IsCancellationRequested; i++)
        {
            var tick = Task.Delay(20);
            if (i % 25 == 0) members = await CurrentMembersAsync(etcd, members, members[preferred % members.Count]);
            var key = $"{prefix}{i:D5}";
            var clock = Stopwatch.StartNew();
            string? error = null;
            for (var attempt = 0; ; attempt++)
            {
                var endpoint = members[(preferred + attempt) % members.Count];
                try
                {
                    await etcd.PutAsync(endpoint, key, key, CancellationToken.None);
                    preferred = (preferred + attempt) % members.Count;
                    written.Add(key);
                    error = null;
                    break;
                }
                catch (EtcdRequestException e)
                {
                    error = e.Message;
                    if (clock.Elapsed > Patience) break;
                }
            }
            if (error is not null) failed.Add($"{key}: {error}");
            await tick;
        }
        return (written, failed);
    }

    /// <summary>The client URLs of every started member, as <paramref name="asked"/> lists them; those known before when it does not answer.</summary>
    private static async Task<List<string>> CurrentMembersAsync(EtcdGateway etcd, List<string> known, string asked)
    {
        try
        {
            var listed = (await etcd.ListMembersAsync(asked, CancellationToken.None)).SelectMany(m => m.ClientUrls).ToList();
            return listed.Count > 0 ? listed : known;
        }
        catch (EtcdRequestException)
        {
            return known;
        }
    }
}
