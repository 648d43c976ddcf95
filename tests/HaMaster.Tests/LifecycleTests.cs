using System.Net.Http;
using HaMaster.Engine.Certificates;
using HaMaster.Local;
using HaMaster.Local.Processes;
using HaMaster.TestSupport;

namespace HaMaster.Tests;

/// <summary>The whole life of a local cluster, with real etcd, HAProxy and TLS.</summary>
public sealed class LifecycleTests : IDisposable
{
    private readonly PowerShellSession _ps = new();

    [Fact]
    public async Task A_cluster_grows_to_three_shrinks_back_to_one_and_leaves_nothing_behind()
    {
        var cluster = _ps.Get<HaCluster>("New-HaCluster -Name life -MultiZone -EnableEtcdQuorumReads").Single();
        Assert.Equal("Healthy", cluster.Status);
        Assert.True(cluster.MultiZone);
        Assert.True(cluster.EtcdQuorumReads);
        Assert.Null(cluster.LoadBalancer);
        Assert.Equal(1, cluster.ReplicaCount);
        Assert.Equal($"https://{cluster.Address}:6443", cluster.Endpoint);
        await AssertReadyAsync(cluster.Address);

        // 1 → 3: learners promoted; the second replica puts HAProxy on the cluster address.
        var added = _ps.Run("Get-HaCluster life | Add-MasterReplica -Count 2", throwOnError: true);
        var replicas = added.Output.OfType<MasterReplica>().ToList();
        Assert.Equal(2, replicas.Count);
        Assert.All(replicas, r => Assert.True(r.Healthy, string.Join("; ", r.Problems)));
        Assert.Contains(added.Warnings, w => w.Contains("2 replicas"));
        Assert.Equal(["local-a", "local-b", "local-c"], _ps.Get<MasterReplica>("Get-MasterReplica -Cluster life").Select(r => r.Zone).OrderBy(z => z));

        var members = _ps.Get<EtcdMember>("Get-EtcdMember -Cluster life");
        Assert.Equal(3, members.Count);
        Assert.All(members, m => Assert.False(m.IsLearner));
        Assert.Single(members, m => m.IsLeader);

        // One snapshot on a loaded machine may catch a slow quorum read; the cluster settles within seconds.
        Eventually.Holds("the cluster of three to look Healthy", () =>
        {
            cluster = _ps.Get<HaCluster>("Get-HaCluster life").Single();
            return (cluster.Status == "Healthy", $"{cluster.Status}: {string.Join("; ", cluster.Problems)}");
        }, TimeSpan.FromSeconds(30));
        Assert.Equal(1, cluster.FaultTolerance);
        Assert.NotNull(cluster.LoadBalancer);
        Assert.Equal(3, cluster.LoadBalancer!.Backends.Count(b => b.Healthy));
        await AssertReadyAsync(cluster.Address);

        // 3 → 2 → 1: removing the leader's replica, then down to one removes the load balancer.
        var leader = members.Single(m => m.IsLeader).Name;
        _ps.Run($"Remove-MasterReplica -Cluster life -Name {leader}", throwOnError: true);
        // Right after the removal, the replicas that stay are served as they were before its reload (not Unknown).
        var backends = _ps.Get<HaCluster>("Get-HaCluster life").Single().LoadBalancer!.Backends;
        Assert.Equal(2, backends.Count);
        Assert.All(backends, b => Assert.True(b.Healthy, $"{b.Replica} is {b.State}"));
        Assert.Equal(2, _ps.Get<EtcdMember>("Get-EtcdMember -Cluster life").Count);
        await AssertReadyAsync(cluster.Address);
        var removal = _ps.Run("Get-MasterReplica -Cluster life | Where-Object EtcdRole -eq Follower | Remove-MasterReplica", throwOnError: true);
        cluster = _ps.Get<HaCluster>("Get-HaCluster life").Single();
        Assert.Equal(1, cluster.ReplicaCount);
        Assert.Null(cluster.LoadBalancer);
        Assert.Equal("Healthy", cluster.Status);
        Assert.Empty(DetachedProcess.FindByMarker(Path.Combine(_ps.Home, "clusters", "life", "lb")));
        await AssertReadyAsync(cluster.Address);

        _ps.Run("Remove-HaCluster life -Force", throwOnError: true);
        Assert.Empty(DetachedProcess.FindByMarker(_ps.Home));
        Assert.Empty(Directory.EnumerateFileSystemEntries(_ps.Home));
        Assert.False(File.Exists(Path.Combine(LoopbackBlocks.ReservationFolder, string.Join('.', cluster.Address.Split('.').Take(3)))));
        Assert.Empty(_ps.Get<HaCluster>("Get-HaCluster"));
    }

    [Fact]
    public void A_crashed_replica_is_reported_then_started_again()
    {
        _ps.Run("New-HaCluster -Name crash | Add-MasterReplica -Count 2", throwOnError: true);
        var victim = _ps.Get<MasterReplica>("Get-MasterReplica crash").First(r => r.EtcdRole == "Follower");
        _ps.Run($"Stop-MasterReplica -Cluster crash -Name {victim.Name}", throwOnError: true);

        var seen = _ps.Get<MasterReplica>($"Get-MasterReplica crash -Name {victim.Name}").Single();
        Assert.True(seen.Unhealthy);
        Assert.Equal("Stopped", seen.Status);
        Assert.Contains(seen.Problems, p => p.Contains("etcd process is not running"));
        Assert.Equal("Degraded", _ps.Get<HaCluster>("Get-HaCluster crash").Single().Status);

        var started = _ps.Get<MasterReplica>($"Start-MasterReplica -Cluster crash -Name {victim.Name} -PassThru").Single();
        Assert.True(started.Healthy, string.Join("; ", started.Problems));
        Assert.Equal("Healthy", _ps.Get<HaCluster>("Get-HaCluster crash").Single().Status);
    }

    private async Task AssertReadyAsync(string address)
    {
        var ca = PemFile.LoadCertificate(Directory.GetFiles(_ps.Home, "ca.crt", SearchOption.AllDirectories).Single());
        using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, cert, _, _) => cert is not null && TrustValidation.IsTrustedBy(cert, ca, out _) };
        using var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(5) };
        await Eventually.HoldsAsync($"{address}:6443/readyz answers 200", async () =>
        {
            using var response = await client.GetAsync($"https://{address}:6443/readyz");
            return (response.IsSuccessStatusCode, $"HTTP {(int)response.StatusCode}");
        }, TimeSpan.FromSeconds(20));
    }

    public void Dispose() => _ps.Dispose();
}
