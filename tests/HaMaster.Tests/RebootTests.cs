using HaMaster.Engine.Etcd;
using HaMaster.Engine.Pki;
using HaMaster.Local.Processes;
using HaMaster.TestSupport;

namespace HaMaster.Tests;

public sealed class RebootTests : IDisposable
{
    private readonly PowerShellSession _ps = new();

    [Fact]
    public async Task After_every_process_is_killed_starting_each_replica_brings_the_cluster_back_with_its_data()
    {
        _ps.Run("New-HaCluster -Name boot | Add-MasterReplica -Count 2", throwOnError: true);
        var replicas = _ps.Get<MasterReplica>("Get-MasterReplica boot");
        var pki = new ClusterPki(Path.Combine(_ps.Home, "clusters", "boot", "pki"));
        using (var etcd = new EtcdGateway(pki.LoadEtcdCredentials()))
        {
            for (var i = 0; i < 20; i++)
                await etcd.PutAsync($"https://{replicas[i % 3].InternalAddress}:2379", $"/test/key{i}", $"value{i}", CancellationToken.None);
        }

        // As a reboot would: every process of the cluster dies at once.
        foreach (var pid in DetachedProcess.FindByMarker(_ps.Home)) DetachedProcess.Signal(pid, 9);
        Eventually.Holds("every process to die", () => DetachedProcess.FindByMarker(_ps.Home).Count == 0, TimeSpan.FromSeconds(20));
        Assert.Equal("Stopped", _ps.Get<HaCluster>("Get-HaCluster boot").Single().Status);

        _ps.Run("Get-MasterReplica boot | Start-MasterReplica", throwOnError: true);
        Eventually.Holds("the cluster to be healthy again", () => _ps.Get<HaCluster>("Get-HaCluster boot").Single().Status == "Healthy", TimeSpan.FromSeconds(60));

        using var again = new EtcdGateway(pki.LoadEtcdCredentials());
        for (var i = 0; i < 20; i++)
            Assert.Equal($"value{i}", await again.GetAsync($"https://{replicas[(i + 1) % 3].InternalAddress}:2379", $"/test/key{i}", CancellationToken.None));
    }

    [Fact]
    public void A_cluster_shrunk_to_one_replica_starts_again_after_that_replica_crashed()
    {
        var added = _ps.Get<MasterReplica>("New-HaCluster -Name solo | Add-MasterReplica").Single();
        _ps.Run("Remove-MasterReplica -Cluster solo -Name solo-master", throwOnError: true);

        // A crash right after the removal: the survivor's log must hold the removal as committed.
        _ps.Run($"Stop-MasterReplica -Cluster solo -Name {added.Name} -Force", throwOnError: true);
        var started = _ps.Run($"Start-MasterReplica -Cluster solo -Name {added.Name} -PassThru", throwOnError: true);

        Assert.Empty(started.Warnings);
        var replica = Assert.Single(started.Output.OfType<MasterReplica>());
        Assert.True(replica.Healthy, string.Join("; ", replica.Problems));
        Assert.Equal("Healthy", _ps.Get<HaCluster>("Get-HaCluster solo").Single().Status);
    }

    public void Dispose() => _ps.Dispose();
}
