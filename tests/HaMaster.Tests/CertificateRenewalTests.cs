using HaMaster.Engine.Etcd;
using HaMaster.Engine.Pki;
using HaMaster.TestSupport;

namespace HaMaster.Tests;

/// <summary>
/// Update-HaCertificate on real clusters (docs/design.md §10.3): a rolling renewal under probes and
/// writes that all succeed, and -Force bringing back a cluster whose certificates expired while it ran.
/// </summary>
public sealed class CertificateRenewalTests : IDisposable
{
    private readonly PowerShellSession _ps = new();

    private string Pki(string cluster) => Path.Combine(_ps.Home, "clusters", cluster, "pki");

    [Fact]
    public async Task A_rolling_renewal_gives_every_leaf_a_new_key_while_no_probe_or_write_through_the_cluster_fails()
    {
        _ps.Run("New-HaCluster -Name rn -CertificateValidity 20.00:00:00 | Add-MasterReplica -Count 2", throwOnError: true);
        Assert.Contains(Assert.Single(_ps.Get<HaCluster>("Get-HaCluster rn")).Problems, p => p.Contains("Update-HaCertificate -Cluster rn", StringComparison.Ordinal));
        var before = _ps.Get<HaCertificate>("Get-HaCertificate rn");
        var keysBefore = Directory.GetFiles(Pki("rn"), "*.key", SearchOption.AllDirectories).ToDictionary(f => f, File.ReadAllText);
        var cluster = Assert.Single(_ps.Get<HaCluster>("Get-HaCluster rn"));
        var endpoints = _ps.Get<MasterReplica>("Get-MasterReplica rn").Select(r => $"https://{r.InternalAddress}:2379").ToList();

        using var stop = new CancellationTokenSource();
        var probing = AvailabilityClient.ProbeAsync(cluster.Endpoint, Pki("rn"), stop.Token);
        var writing = AvailabilityClient.WriteAsync(endpoints, Pki("rn"), "/renewal/", stop.Token);
        var renewal = _ps.Run("Update-HaCertificate -Cluster rn -Confirm:$false", throwOnError: true);
        await Task.Delay(500); // a last few probes and writes against the renewed cluster
        stop.Cancel();
        var (probes, failedProbes) = await probing;
        var (written, failedWrites) = await writing;

        Assert.True(probes > 20 && written.Count > 20, $"{probes} probes, {written.Count} writes");
        Assert.Empty(failedProbes);
        Assert.Empty(failedWrites);
        var after = renewal.Output.OfType<HaCertificate>().ToList();
        Assert.Equal(before.Select(c => (c.Usage, c.Replica)), after.Select(c => (c.Usage, c.Replica)));
        foreach (var (old, renewed) in before.Zip(after))
        {
            if (old.Usage is "ClusterCa" or "EtcdCa") Assert.Equal(old.Thumbprint, renewed.Thumbprint);
            else Assert.True(renewed.Thumbprint != old.Thumbprint && renewed.NotAfter > old.NotAfter, $"{renewed} was not renewed");
        }
        foreach (var (file, key) in keysBefore.Where(k => !k.Key.EndsWith("ca.key", StringComparison.Ordinal)))
            Assert.NotEqual(key, File.ReadAllText(file));
        // Renewed for the cluster's 20 days again: still within the 30-day window, so the problem stays, later.
        var renewedCluster = Assert.Single(_ps.Get<HaCluster>("Get-HaCluster rn"));
        Assert.Contains("in 20 days", Assert.Single(renewedCluster.Problems));
        Assert.True(renewedCluster.CertificatesExpireAt > before.Where(c => c.Usage is not ("ClusterCa" or "EtcdCa")).Min(c => c.NotAfter));
        Assert.All(_ps.Get<MasterReplica>("Get-MasterReplica rn"), r => Assert.True(r.Healthy, string.Join("; ", r.Problems)));
        using var etcd = new EtcdGateway(new ClusterPki(Pki("rn")).LoadEtcdCredentials());
        foreach (var key in written.Take(50))
            Assert.Equal(key, await etcd.GetAsync(endpoints[0], key, CancellationToken.None));
    }

    [Fact]
    public async Task Certificates_that_expired_while_the_cluster_ran_are_renewed_with_force_and_the_data_is_kept()
    {
        _ps.Run("New-HaCluster -Name ex -CertificateValidity 00:01:30 | Add-MasterReplica", throwOnError: true);
        var replica = _ps.Get<MasterReplica>("Get-MasterReplica ex")[0];
        using (var etcd = new EtcdGateway(new ClusterPki(Pki("ex")).LoadEtcdCredentials()))
            await etcd.PutAsync($"https://{replica.InternalAddress}:2379", "/expiry/kept", "yes", CancellationToken.None);
        var expiry = _ps.Get<HaCertificate>("Get-HaCertificate ex").Where(c => c.Usage is not ("ClusterCa" or "EtcdCa")).Max(c => c.NotAfter);

        Eventually.Holds("every leaf has expired and the cluster is down", () =>
        {
            if (DateTimeOffset.UtcNow < expiry.AddSeconds(2)) return (false, $"the last leaf expires at {expiry:u}");
            var status = Assert.Single(_ps.Get<HaCluster>("Get-HaCluster ex"));
            return (status.Status == "NoQuorum" && status.Problems.Any(p => p.Contains("expired at", StringComparison.Ordinal)), $"{status.Status}: {string.Join("; ", status.Problems)}");
        }, TimeSpan.FromMinutes(3));
        var refused = _ps.Run("Update-HaCertificate ex -Confirm:$false").SingleError();
        Assert.StartsWith("ClusterUnhealthy,", refused.FullyQualifiedErrorId);
        Assert.Contains("Update-HaCertificate -Cluster ex -Force", refused.ErrorDetails.RecommendedAction);

        _ps.Run("Update-HaCertificate ex -Force -Confirm:$false", throwOnError: true);

        // Renewed for the cluster's 90 seconds again: every replica healthy, the only problem the next expiry.
        var cluster = Assert.Single(_ps.Get<HaCluster>("Get-HaCluster ex"));
        Assert.True(cluster.Problems.Count == 1 && cluster.Problems[0].Contains("expires at", StringComparison.Ordinal), $"{cluster.Status}: {string.Join("; ", cluster.Problems)}");
        Assert.All(_ps.Get<MasterReplica>("Get-MasterReplica ex"), r => Assert.True(r.Healthy, string.Join("; ", r.Problems)));
        using (var etcd = new EtcdGateway(new ClusterPki(Pki("ex")).LoadEtcdCredentials()))
            Assert.Equal("yes", await etcd.GetAsync($"https://{replica.InternalAddress}:2379", "/expiry/kept", CancellationToken.None));
    }

    public void Dispose() => _ps.Dispose();
}
