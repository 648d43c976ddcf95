using HaMaster.Local.Processes;
using HaMaster.TestSupport;

namespace HaMaster.Tests;

/// <summary>
/// Restore-HaCluster through the cmdlets on real etcd (docs/design.md §10.2), with etcd's own client
/// (etcdctl, over the cluster's mutual TLS) writing and reading the keys: the way back from a lost
/// quorum, a roll-back to a backup, and bad sources refused with nothing changed.
/// </summary>
public sealed class RestoreTests : IDisposable
{
    private readonly PowerShellSession _ps = new();

    [Fact]
    public void Two_dead_disks_of_three_are_one_command_away_from_a_healthy_cluster_with_every_key()
    {
        _ps.Run("New-HaCluster -Name rs | Add-MasterReplica -Count 2", throwOnError: true);
        var before = _ps.Get<MasterReplica>("Get-MasterReplica rs");
        var oldMembers = _ps.Get<EtcdMember>("Get-EtcdMember rs").Select(m => m.Id).ToList();
        for (var i = 0; i < 30; i++) EtcdctlAt("rs", before[0], "put", $"/restore/k{i:00}", $"v{i}");

        var survivor = before.First(r => r.EtcdRole == "Leader");
        foreach (var dead in before.Where(r => r.Name != survivor.Name)) DestroyReplica("rs", dead.Name);
        Assert.Equal("NoQuorum", _ps.Get<HaCluster>("Get-HaCluster rs").Single().Status);

        var refusal = _ps.Run($"Repair-MasterReplica -Cluster rs -Name {before.First(r => r.Name != survivor.Name).Name} -Confirm:$false").SingleError();
        Assert.Contains("Restore-HaCluster", refusal.ErrorDetails.RecommendedAction);

        var result = _ps.Run("Restore-HaCluster -Cluster rs -Confirm:$false", throwOnError: true);
        var restore = Assert.Single(result.Output.OfType<HaClusterRestore>());
        Assert.Contains($"replica {survivor.Name}", restore.Source);
        Assert.True(restore.Revision >= 31, $"revision {restore.Revision}");
        Assert.Equal("Healthy", restore.Status);
        Assert.Contains(result.Warnings, w => w.Contains($"at revision {restore.Revision}"));

        var after = _ps.Get<MasterReplica>("Get-MasterReplica rs");
        Assert.Equal(3, after.Count);
        Assert.All(after, r => Assert.True(r.Healthy, string.Join("; ", r.Problems)));
        Assert.Equal("Healthy", _ps.Get<HaCluster>("Get-HaCluster rs").Single().Status);
        var members = _ps.Get<EtcdMember>("Get-EtcdMember rs");
        Assert.Equal(3, members.Count);
        Assert.DoesNotContain(members, m => oldMembers.Contains(m.Id));
        foreach (var replica in after)
            Assert.Equal(Enumerable.Range(0, 30).Select(i => $"/restore/k{i:00}"), Keys("rs", replica));
        Assert.Contains(_ps.Get<HaClusterBackup>("Get-HaClusterBackup rs"), b => b.Reason == "BeforeRestore" && b.Verified);
    }

    [Fact]
    public void A_backup_brings_back_what_it_holds_and_nothing_written_after_it()
    {
        _ps.Run("New-HaCluster -Name rb | Add-MasterReplica -Count 2", throwOnError: true);
        var replicas = _ps.Get<MasterReplica>("Get-MasterReplica rb");
        for (var i = 0; i < 10; i++) EtcdctlAt("rb", replicas[0], "put", $"/k1/{i}", "before");
        var backup = _ps.Get<HaClusterBackup>("Backup-HaCluster -Cluster rb").Single();
        for (var i = 0; i < 10; i++) EtcdctlAt("rb", replicas[0], "put", $"/k2/{i}", "after");
        foreach (var replica in replicas) DestroyReplica("rb", replica.Name);

        var result = _ps.Run($"Restore-HaCluster -Cluster rb -Backup {backup.Name} -ReplicaCount 3 -Confirm:$false", throwOnError: true);

        var restore = Assert.Single(result.Output.OfType<HaClusterRestore>());
        Assert.Equal($"backup {backup.Name}", restore.Source);
        Assert.Equal(backup.Revision, restore.Revision);
        Assert.Equal("Healthy", restore.Status);
        var after = _ps.Get<MasterReplica>("Get-MasterReplica rb");
        Assert.Equal(3, after.Count);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"/k1/{i}"), Keys("rb", after[0], "/k"));
        Assert.Contains(result.Warnings, w => w.Contains($"at revision {backup.Revision}: writes acknowledged after revision {backup.Revision} are lost"));
    }

    [Fact]
    public void Bad_sources_and_a_healthy_cluster_are_refused_with_nothing_changed()
    {
        _ps.Run("New-HaCluster -Name rx | Add-MasterReplica -Count 2", throwOnError: true);
        _ps.Run("New-HaCluster -Name ry", throwOnError: true);
        var good = _ps.Get<HaClusterBackup>("Backup-HaCluster -Cluster rx").Single();
        var foreign = _ps.Get<HaClusterBackup>("Backup-HaCluster -Cluster ry").Single();
        var replicas = _ps.Get<MasterReplica>("Get-MasterReplica rx");
        var members = Members("rx");

        Assert.StartsWith("ClusterHasQuorum,", _ps.Run("Restore-HaCluster -Cluster rx -Confirm:$false").SingleError().FullyQualifiedErrorId);

        var notASnapshot = Path.Combine(_ps.Home, "not-a-snapshot.db");
        File.WriteAllText(notASnapshot, "hello");
        var altered = Path.Combine(_ps.Home, "altered");
        Directory.CreateDirectory(altered);
        File.Copy(good.Path, Path.Combine(altered, Path.GetFileName(good.Path)));
        File.Copy(Path.ChangeExtension(good.Path, ".json"), Path.Combine(altered, Path.GetFileNameWithoutExtension(good.Path) + ".json"));
        using (var file = File.OpenWrite(Path.Combine(altered, Path.GetFileName(good.Path)))) { file.Position = 100; file.WriteByte(0x42); }

        // From here on the cluster has no quorum, so only the source is wrong.
        DestroyReplica("rx", replicas[1].Name);
        StopEtcd("rx", replicas[2].Name);
        var cases = new (string Command, string Id)[]
        {
            ($"-Path '{notASnapshot}'", "BackupInvalid"),
            ($"-Path '{Path.Combine(altered, Path.GetFileName(good.Path))}'", "BackupInvalid"),
            ($"-Path '{foreign.Path}'", "BackupOfAnotherCluster"),
            ($"-FromReplica {replicas[1].Name}", "ReplicaDataLost"),
            ("-Backup no-such-backup", "BackupNotFound"),
        };
        foreach (var (arguments, id) in cases)
        {
            var error = _ps.Run($"Restore-HaCluster -Cluster rx {arguments} -Confirm:$false").SingleError();
            Assert.True(error.FullyQualifiedErrorId.StartsWith(id + ",", StringComparison.Ordinal), $"{arguments}: {error.FullyQualifiedErrorId} {error.Exception.Message}");
            Assert.Contains("nothing was changed", error.Exception.Message);
            Assert.Equal(3, _ps.Get<MasterReplica>("Get-MasterReplica rx").Count);
        }
        Assert.Equal(members, Members("rx"));

        // -Force restores another cluster's backup, with a warning.
        var forced = _ps.Run($"Restore-HaCluster -Cluster rx -Path '{foreign.Path}' -Force -ReplicaCount 1 -Confirm:$false", throwOnError: true);
        Assert.Contains(forced.Warnings, w => w.Contains("cluster 'ry'"));
        Assert.Equal("Healthy", Assert.Single(forced.Output.OfType<HaClusterRestore>()).Status);
    }

    [Fact]
    public void A_restore_killed_after_fencing_or_while_adding_back_is_finished_by_the_next_command()
    {
        _ps.Run("New-HaCluster -Name rk | Add-MasterReplica -Count 2", throwOnError: true);
        var first = _ps.Get<MasterReplica>("Get-MasterReplica rk");
        for (var i = 0; i < 10; i++) EtcdctlAt("rk", first[0], "put", $"/restore/k{i:00}", $"v{i}");

        foreach (var (step, next) in new[] { ("restore-data", "Restore-HaCluster -Cluster rk -Confirm:$false"), ("promote", $"Start-MasterReplica -Cluster rk -Name {first[0].Name}") })
        {
            var replicas = _ps.Get<MasterReplica>("Get-MasterReplica rk");
            foreach (var dead in replicas.Skip(1)) DestroyReplica("rk", dead.Name);
            using (var runner = new RunnerProcess(_ps.Home, "Restore-HaCluster -Cluster rk -Confirm:$false", new Dictionary<string, string> { ["HAMASTER_DRILL_PAUSE"] = $"{step}:600" }))
            {
                Eventually.Holds($"the restore to reach its {step} step", () => ClusterStateFile.PendingStep(_ps.Home, "rk") == step, TimeSpan.FromSeconds(120));
                runner.Kill();
                runner.WaitForExit(TimeSpan.FromSeconds(30));
            }

            var resumed = _ps.Run(next, throwOnError: true);

            Assert.Contains(resumed.Warnings, w => w.Contains("RestoreCluster"));
            var after = _ps.Get<MasterReplica>("Get-MasterReplica rk");
            Assert.Equal(3, after.Count);
            Assert.All(after, r => Assert.True(r.Healthy, $"{step}: {r.Name}: {string.Join("; ", r.Problems)}"));
            Assert.Equal(3, _ps.Get<EtcdMember>("Get-EtcdMember rk").Count);
            Assert.Equal(Enumerable.Range(0, 10).Select(i => $"/restore/k{i:00}"), Keys("rk", after[^1]));
            var known = after.Select(r => ReplicaFolder("rk", r.Name)).ToList();
            foreach (var folder in Directory.GetDirectories(Path.Combine(_ps.Home, "clusters", "rk", "replicas")).Where(f => !known.Contains(f)))
                Assert.Empty(DetachedProcess.FindByMarker(folder));
        }
    }

    private List<string> Members(string cluster) =>
        _ps.Get<EtcdMember>($"Get-EtcdMember {cluster}").Select(m => m.Id).Order().ToList();

    /// <summary>A dead disk: the replica's processes killed and its etcd data deleted.</summary>
    private void DestroyReplica(string cluster, string replica)
    {
        var folder = ReplicaFolder(cluster, replica);
        foreach (var pid in DetachedProcess.FindByMarker(folder)) DetachedProcess.Signal(pid, 9);
        Eventually.Holds($"the processes of {replica} are gone", () => DetachedProcess.FindByMarker(folder).Count == 0, TimeSpan.FromSeconds(20));
        Directory.Delete(Path.Combine(folder, "etcd-data"), recursive: true);
    }

    private void StopEtcd(string cluster, string replica)
    {
        var marker = $"--data-dir={Path.Combine(ReplicaFolder(cluster, replica), "etcd-data")}";
        foreach (var pid in DetachedProcess.FindByMarker(marker)) DetachedProcess.Signal(pid, 9);
        Eventually.Holds($"the etcd of {replica} is gone", () => DetachedProcess.FindByMarker(marker).Count == 0, TimeSpan.FromSeconds(20));
    }

    private string ReplicaFolder(string cluster, string replica) => Path.Combine(_ps.Home, "clusters", cluster, "replicas", replica);

    private List<string> Keys(string cluster, MasterReplica replica, string prefix = "/restore/") =>
        EtcdctlAt(cluster, replica, "get", prefix, "--prefix", "--keys-only").Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal).ToList();

    private string EtcdctlAt(string cluster, MasterReplica replica, params string[] command) => Etcdctl.At(_ps.Home, cluster, replica, command);

    public void Dispose() => _ps.Dispose();
}
