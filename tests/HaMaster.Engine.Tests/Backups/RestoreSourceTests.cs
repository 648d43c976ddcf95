using HaMaster.Engine.Errors;
using HaMaster.Engine.State;
using HaMaster.Engine.Tests.Fakes;
using Xunit;

namespace HaMaster.Engine.Tests.Backups;

/// <summary>
/// Which source a restore picks and what it refuses (docs/design.md §10.2), over the in-memory fakes:
/// the freshest source it can prove, a refusal with nothing changed when there is none or when the
/// cluster still has quorum; a restored replica that answers nothing restarted once.
/// </summary>
public sealed class RestoreSourceTests : IDisposable
{
    private const string Cluster = "rs";
    private readonly string _root = Directory.CreateTempSubdirectory("hm-restore-").FullName;
    private readonly FakeWorld _world = new();

    [Fact]
    public async Task A_survivor_newer_than_every_backup_is_the_source_and_is_kept_as_a_backup()
    {
        await ClusterAsync();
        await Engine().BackupAsync(Cluster, null, CancellationToken.None);
        _world.Keys["/after-backup"] = "kept";
        var survivor = LoseAllBut(1).Single();

        var restore = await Engine().RestoreAsync(new RestoreRequest { Cluster = Cluster }, CancellationToken.None);

        Assert.Equal($"replica {survivor}", restore.Source);
        Assert.Equal(Backups().Single(b => b.Reason == "BeforeRestore").Path, restore.SnapshotPath);
        Assert.Equal("Healthy", restore.Status);
        Assert.Equal(3, restore.ReplicaCount);
        Assert.Equal("kept", _world.Keys["/after-backup"]);
    }

    [Fact]
    public async Task With_no_survivor_the_newest_verified_backup_is_restored_and_what_came_after_it_is_gone()
    {
        await ClusterAsync();
        _world.Keys["/k1"] = "before";
        var older = await Engine().BackupAsync(Cluster, null, CancellationToken.None);
        _world.Keys["/k2"] = "between";
        var newer = await Engine().BackupAsync(Cluster, null, CancellationToken.None);
        _world.Keys["/k3"] = "after";
        using (var file = File.OpenWrite(newer.Path)) file.WriteByte(0x42);
        LoseAllBut(0);

        var restore = await Engine().RestoreAsync(new RestoreRequest { Cluster = Cluster, ReplicaCount = 1 }, CancellationToken.None);

        Assert.Equal($"backup {older.Name}", restore.Source);
        Assert.Equal(older.Revision, restore.Revision);
        Assert.Equal(1, restore.ReplicaCount);
        Assert.Equal(["/k1"], _world.Keys.Keys.Where(k => k.StartsWith("/k", StringComparison.Ordinal)).Order());
    }

    [Fact]
    public async Task Nothing_to_restore_from_and_a_cluster_with_quorum_are_refused_with_nothing_changed()
    {
        await ClusterAsync();
        var healthy = _world.Describe();
        var quorum = await Assert.ThrowsAsync<HaException>(() => Engine().RestoreAsync(new RestoreRequest { Cluster = Cluster }, CancellationToken.None));
        Assert.Equal(ErrorIds.ClusterHasQuorum, quorum.ErrorId);
        Assert.Equal(healthy, _world.Describe());

        foreach (var backup in Backups()) Engine().RemoveBackup(backup);
        LoseAllBut(0);
        var lost = _world.Describe();
        var state = File.ReadAllText(new StateDirectory(_root).StateFile(Cluster));

        var nothing = await Assert.ThrowsAsync<HaException>(() => Engine().RestoreAsync(new RestoreRequest { Cluster = Cluster }, CancellationToken.None));

        Assert.Equal(ErrorIds.NoRestoreSource, nothing.ErrorId);
        Assert.Equal(lost, _world.Describe());
        Assert.Equal(state, File.ReadAllText(new StateDirectory(_root).StateFile(Cluster)));
    }

    [Fact]
    public async Task A_restored_replica_that_answers_nothing_is_restarted_once_where_the_provider_restarts_in_seconds()
    {
        _world.RestartsInSeconds = true;
        await ClusterAsync();
        var survivor = LoseAllBut(1).Single();
        _world.StallNextNewCluster = true;
        var engine = _world.Engine(_root, options: FakeWorld.FastOptions with { ReadyTimeout = TimeSpan.FromSeconds(5), RestoredReplicaPatience = TimeSpan.FromMilliseconds(300) });

        var restore = await engine.RestoreAsync(new RestoreRequest { Cluster = Cluster }, CancellationToken.None);

        Assert.Equal("Healthy", restore.Status);
        var calls = _world.Calls.Where(c => c.EndsWith(" " + survivor, StringComparison.Ordinal)).ToList();
        Assert.Equal(["stop", "restore", "start", "stop", "start"], calls.TakeLast(5).Select(c => c.Split(' ')[0]));
    }

    private async Task ClusterAsync()
    {
        await Engine().NewClusterAsync(new NewClusterRequest(Cluster), CancellationToken.None);
        for (var i = 1; i < 3; i++) await Engine().AddReplicaAsync(Cluster, null, CancellationToken.None);
    }

    /// <summary>Every replica but the first <paramref name="keep"/> loses its machine and data; returns the names kept.</summary>
    private List<string> LoseAllBut(int keep)
    {
        var names = new ClusterStore(new StateDirectory(_root)).Load(Cluster).Replicas.Select(r => r.Name).ToList();
        foreach (var name in names.Skip(keep)) _world.Machines.Remove(name);
        return names.Take(keep).ToList();
    }

    private List<HaClusterBackup> Backups() => Engine().GetBackups(Cluster, null).ToList();

    private HaEngine Engine() => _world.Engine(_root, options: FakeWorld.FastOptions with { ReadyTimeout = TimeSpan.FromSeconds(5) });

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
