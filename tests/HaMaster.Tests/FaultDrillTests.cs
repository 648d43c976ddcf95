using HaMaster.Engine.Etcd;
using HaMaster.Engine.Pki;
using HaMaster.Local.Processes;
using HaMaster.TestSupport;

namespace HaMaster.Tests;

/// <summary>Fault drills on real clusters: what the user sees, and that the documented command restores service.</summary>
public sealed class FaultDrillTests : IDisposable
{
    private readonly PowerShellSession _ps = new();

    [Fact]
    public void A_killed_load_balancer_is_reported_and_restored_by_starting_the_replicas()
    {
        _ps.Run("New-HaCluster -Name lbk | Add-MasterReplica", throwOnError: true);
        var balancer = DetachedProcess.FindByMarker(Path.Combine(ClusterFolder("lbk"), "lb"));
        Assert.NotEmpty(balancer);
        balancer.ToList().ForEach(pid => DetachedProcess.Signal(pid, 9));

        var cluster = _ps.Get<HaCluster>("Get-HaCluster lbk").Single();
        Assert.Equal("Degraded", cluster.Status);
        var problem = Assert.Single(cluster.Problems, p => p.StartsWith("load balancer", StringComparison.Ordinal));
        Assert.Contains("Stopped", problem);
        Assert.Contains("Get-MasterReplica -Cluster lbk | Start-MasterReplica", problem);

        _ps.Run("Get-MasterReplica -Cluster lbk | Start-MasterReplica", throwOnError: true);

        cluster = _ps.Get<HaCluster>("Get-HaCluster lbk").Single();
        Assert.True(cluster.Status == "Healthy", string.Join("; ", cluster.Problems));
        Assert.Equal("Running", cluster.LoadBalancer!.Status);
    }

    [Fact]
    public async Task Killing_the_etcd_leader_under_write_load_loses_no_acknowledged_write()
    {
        _ps.Run("New-HaCluster -Name wl | Add-MasterReplica -Count 2", throwOnError: true);
        var replicas = _ps.Get<MasterReplica>("Get-MasterReplica wl");
        var leader = replicas.Single(r => r.EtcdRole == "Leader");
        var endpoints = replicas.Select(r => $"https://{r.InternalAddress}:2379").ToList();
        using var etcd = new EtcdGateway(new ClusterPki(Path.Combine(ClusterFolder("wl"), "pki")).LoadEtcdCredentials());
        using var stop = new CancellationTokenSource();
        var acknowledged = new List<string>();
        var killedAt = -1;
        var writer = Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                var key = $"/drill/{i:D6}";
                foreach (var endpoint in endpoints)
                {
                    try
                    {
                        await etcd.PutAsync(endpoint, key, "v", CancellationToken.None);
                        lock (acknowledged) acknowledged.Add(key);
                        break;
                    }
                    catch (EtcdRequestException)
                    {
                    }
                }
                await Task.Delay(20);
            }
        });

        Eventually.Holds("writes before the crash", () => Count() >= 20, TimeSpan.FromSeconds(30));
        foreach (var pid in DetachedProcess.FindByMarker($"--data-dir={Path.Combine(ClusterFolder("wl"), "replicas", leader.Name, "etcd-data")}"))
            DetachedProcess.Signal(pid, 9);
        killedAt = Count();
        Eventually.Holds("writes to go on after the leader's crash", () => Count() >= killedAt + 20, TimeSpan.FromSeconds(60));
        stop.Cancel();
        await writer;

        var survivor = endpoints.First(e => !e.Contains($"//{leader.InternalAddress}:", StringComparison.Ordinal));
        foreach (var key in acknowledged)
            Assert.Equal("v", await etcd.GetAsync(survivor, key, CancellationToken.None));
        Assert.Contains(_ps.Get<MasterReplica>("Get-MasterReplica wl"), r => r.Name == leader.Name && r.Unhealthy);

        int Count()
        {
            lock (acknowledged) return acknowledged.Count;
        }
    }

    [Fact]
    public void A_deleted_data_directory_is_reported_and_the_replica_replaced()
    {
        _ps.Run("New-HaCluster -Name dd | Add-MasterReplica -Count 2", throwOnError: true);
        var replicas = _ps.Get<MasterReplica>("Get-MasterReplica dd");
        var running = replicas.First(r => r.EtcdRole == "Follower");
        var stopped = replicas.Last(r => r.EtcdRole == "Follower");

        Directory.Delete(Path.Combine(ClusterFolder("dd"), "replicas", running.Name, "etcd-data"), recursive: true);
        var seen = _ps.Get<MasterReplica>($"Get-MasterReplica dd -Name {running.Name}").Single();
        Assert.True(seen.Unhealthy);
        Assert.Contains(seen.Problems, p => p.Contains("data directory was deleted"));

        var replaced = _ps.Get<MasterReplica>("Get-MasterReplica dd | Where Unhealthy | Replace-MasterReplica");
        Assert.True(Assert.Single(replaced).Healthy, string.Join("; ", replaced[0].Problems));
        Assert.Empty(DetachedProcess.FindByMarker(Path.Combine(ClusterFolder("dd"), "replicas", running.Name)));

        // A stopped replica whose data is gone is not started empty: it must be replaced.
        _ps.Run($"Stop-MasterReplica -Cluster dd -Name {stopped.Name}", throwOnError: true);
        Directory.Delete(Path.Combine(ClusterFolder("dd"), "replicas", stopped.Name), recursive: true);
        var error = _ps.Run($"Start-MasterReplica -Cluster dd -Name {stopped.Name}").SingleError();
        Assert.StartsWith("ReplicaDataLost,", error.FullyQualifiedErrorId);
        Assert.Contains($"Repair-MasterReplica -Cluster dd -Name {stopped.Name}", error.ErrorDetails.RecommendedAction);
        Assert.Empty(DetachedProcess.FindByMarker(Path.Combine(ClusterFolder("dd"), "replicas", stopped.Name)));
        Assert.True(Assert.Single(_ps.Get<MasterReplica>($"Repair-MasterReplica -Cluster dd -Name {stopped.Name}")).Healthy);
    }

    [Fact]
    public async Task A_full_disk_under_one_replica_is_reported_with_its_cause_and_the_replica_replaced()
    {
        _ps.Run("New-HaCluster -Name full | Add-MasterReplica -Count 2", throwOnError: true);
        var victim = _ps.Get<MasterReplica>("Get-MasterReplica full").First(r => r.EtcdRole == "Follower");
        var data = Path.Combine(ClusterFolder("full"), "replicas", victim.Name, "etcd-data");
        _ps.Run($"Stop-MasterReplica -Cluster full -Name {victim.Name}", throwOnError: true);

        // Its data moves to a small file system with about 1 MiB to spare, then it starts again. The copy
        // is not sparse: etcd preallocates its WAL, and holes would leave tens of MiB free.
        var saved = data + ".saved";
        Directory.Move(data, saved);
        Directory.CreateDirectory(data);
        var used = Directory.GetFiles(saved, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
        ShellCommand.Run($"mount -t tmpfs -o size={used + 1024 * 1024},mode=0700 tmpfs '{data}' && cp -a --sparse=never '{saved}/.' '{data}/'");
        try
        {
            _ps.Run($"Start-MasterReplica -Cluster full -Name {victim.Name}", throwOnError: true);

            var replicas = _ps.Get<MasterReplica>("Get-MasterReplica full");
            using var etcd = new EtcdGateway(new ClusterPki(Path.Combine(ClusterFolder("full"), "pki")).LoadEtcdCredentials());
            var endpoint = replicas.Where(r => r.Name != victim.Name).Select(r => $"https://{r.InternalAddress}:2379").First();
            var value = new string('x', 64 * 1024);
            for (var i = 0; i < 64 && _ps.Get<MasterReplica>($"Get-MasterReplica full -Name {victim.Name}").Single().Healthy; i++)
                for (var j = 0; j < 8; j++)
                    await etcd.PutAsync(endpoint, $"/fill/{i}/{j}", value, CancellationToken.None);

            var seen = _ps.Get<MasterReplica>($"Get-MasterReplica full -Name {victim.Name}").Single();
            Assert.True(seen.Unhealthy);
            Assert.Contains(seen.Problems, p => p.Contains("no space left on device"));
            Assert.Equal("Degraded", _ps.Get<HaCluster>("Get-HaCluster full").Single().Status);

            // The operator frees the disk (here: unmounts it); the replacement goes elsewhere.
            ShellCommand.Run($"umount '{data}'");
            var replaced = _ps.Get<MasterReplica>("Get-MasterReplica full | Where Unhealthy | Replace-MasterReplica");
            Assert.True(Assert.Single(replaced).Healthy, string.Join("; ", replaced[0].Problems));
            Assert.Equal("Healthy", _ps.Get<HaCluster>("Get-HaCluster full").Single().Status);
        }
        finally
        {
            ShellCommand.Run($"umount '{data}' 2>/dev/null || true");
        }
    }

    private string ClusterFolder(string cluster) => Path.Combine(_ps.Home, "clusters", cluster);

    public void Dispose() => _ps.Dispose();
}
