using HaMaster.TestSupport;
using HaMaster.Engine.Etcd;
using HaMaster.Engine.Pki;

namespace HaMaster.Tests;

/// <summary>
/// etcd maintenance on a real cluster (docs/design.md §10.5): a database that reaches the backend quota
/// raises NOSPACE, which shows with the command that clears it; Optimize-HaCluster gives the space back
/// and disarms the alarm while the cluster address keeps answering.
/// </summary>
public sealed class EtcdMaintenanceTests : IDisposable
{
    private readonly PowerShellSession _ps = new();

    [Fact]
    public async Task A_full_database_shows_NOSPACE_and_Optimize_HaCluster_takes_it_back_to_writes_with_no_probe_failing()
    {
        _ps.Run("New-HaCluster -Name full -EtcdQuotaBytes 16MB | Add-MasterReplica -Count 2", throwOnError: true);
        Assert.Equal(16L * 1024 * 1024, Assert.Single(_ps.Get<HaCluster>("Get-HaCluster full")).EtcdQuotaBytes);
        var replicas = _ps.Get<MasterReplica>("Get-MasterReplica full");
        var endpoint = $"https://{replicas[0].InternalAddress}:2379";
        var pki = Path.Combine(_ps.Home, "clusters", "full", "pki");
        using var etcd = new EtcdGateway(new ClusterPki(pki).LoadEtcdCredentials());

        var value = new string('x', 512 * 1024);
        string? refusal = null;
        for (var i = 0; i < 200 && refusal is null; i++)
        {
            try
            {
                await etcd.PutAsync(endpoint, $"/fill/{i:D4}", value, CancellationToken.None);
            }
            catch (EtcdRequestException e)
            {
                refusal = e.Reason;
            }
        }
        Assert.Contains("database space exceeded", refusal);

        var full = Assert.Single(_ps.Get<HaCluster>("Get-HaCluster full"));
        Assert.Equal("Degraded", full.Status);
        Assert.Contains(full.Problems, p => p.Contains("NOSPACE", StringComparison.Ordinal) && p.Contains("Optimize-HaCluster -Cluster full", StringComparison.Ordinal));
        Assert.All(_ps.Get<MasterReplica>("Get-MasterReplica full"), r => Assert.True(r.Healthy, string.Join("; ", r.Problems)));
        var members = _ps.Get<EtcdMember>("Get-EtcdMember full");
        Assert.Contains(members, m => m.Alarms.Contains("NOSPACE") && m.Problem!.Contains("Optimize-HaCluster -Cluster full", StringComparison.Ordinal));
        var sizeBefore = members.ToDictionary(m => m.Name, m => m.DbSize!.Value);
        Assert.All(sizeBefore.Values, size => Assert.True(size > 12L * 1024 * 1024, $"{size} bytes"));

        // Deletes are accepted under NOSPACE; the space they free stays in the file until a defragmentation.
        Etcdctl.At(_ps.Home, "full", replicas[0], "del", "/fill/", "--prefix");
        Assert.Contains(_ps.Get<EtcdMember>("Get-EtcdMember full"), m => m.Alarms.Contains("NOSPACE"));

        using var stop = new CancellationTokenSource();
        var probing = AvailabilityClient.ProbeAsync(full.Endpoint, pki, stop.Token);
        var optimized = _ps.Get<EtcdDefragmentation>("Optimize-HaCluster full -Confirm:$false");
        await Task.Delay(500); // a last few probes against the optimized cluster
        stop.Cancel();
        var (probes, failedProbes) = await probing;

        Assert.True(probes > 20, $"{probes} probes");
        Assert.Empty(failedProbes);
        Assert.Equal(replicas.Select(r => r.Name).Order(), optimized.Select(o => o.Member).Order());
        Assert.All(optimized, o => Assert.True(o.DbSizeAfter < o.DbSizeBefore / 4, $"{o.Member}: {o.DbSizeBefore} -> {o.DbSizeAfter} bytes"));
        Assert.Contains(optimized, o => o.AlarmsCleared.Contains("NOSPACE"));

        await etcd.PutAsync(endpoint, "/after/optimize", "accepted", CancellationToken.None);
        var healthy = Assert.Single(_ps.Get<HaCluster>("Get-HaCluster full"));
        Assert.True(healthy.Status == "Healthy", string.Join("; ", healthy.Problems));
        Assert.All(_ps.Get<EtcdMember>("Get-EtcdMember full"), m =>
        {
            Assert.Empty(m.Alarms);
            Assert.True(m.DbSize < sizeBefore[m.Name] / 4, $"{m.Name}: {sizeBefore[m.Name]} -> {m.DbSize} bytes");
        });
    }

    [Fact]
    public void A_quota_outside_what_etcd_supports_is_refused_before_anything_is_made()
    {
        foreach (var quota in new[] { "1MB", "0", "-1", "9GB" })
        {
            var error = _ps.Run($"New-HaCluster -Name qt -EtcdQuotaBytes {quota}").SingleError();
            Assert.StartsWith("InvalidEtcdQuota,", error.FullyQualifiedErrorId);
            Assert.Contains("-EtcdQuotaBytes", error.ErrorDetails.RecommendedAction);
        }
        Assert.Empty(_ps.Run("Get-HaCluster", throwOnError: true).Output);
        Assert.False(Directory.Exists(Path.Combine(_ps.Home, "clusters", "qt")));
    }

    public void Dispose() => _ps.Dispose();
}
