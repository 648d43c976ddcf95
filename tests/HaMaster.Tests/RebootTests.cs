using HaMaster.Engine.Etcd;
using HaMaster.Engine.Pki;
using HaMaster.Local.Processes;

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
        Eventually.True(() => DetachedProcess.FindByMarker(_ps.Home).Count == 0, TimeSpan.FromSeconds(20), "every process to die");
        Assert.Equal("Stopped", _ps.Get<HaCluster>("Get-HaCluster boot").Single().Status);

        _ps.Run("Get-MasterReplica boot | Start-MasterReplica", throwOnError: true);
        Eventually.True(() => _ps.Get<HaCluster>("Get-HaCluster boot").Single().Status == "Healthy", TimeSpan.FromSeconds(60), "the cluster to be healthy again");

        using var again = new EtcdGateway(pki.LoadEtcdCredentials());
        for (var i = 0; i < 20; i++)
            Assert.Equal($"value{i}", await again.GetAsync($"https://{replicas[(i + 1) % 3].InternalAddress}:2379", $"/test/key{i}", CancellationToken.None));
    }

    public void Dispose() => _ps.Dispose();
}
