using HaMaster.Engine.Errors;
using HaMaster.Engine.State;
using HaMaster.Engine.Tests.Fakes;
using Xunit;

namespace HaMaster.Engine.Tests.Backups;

/// <summary>
/// Safety rule 12 (docs/design.md §3, §10.1) over the in-memory fakes: every membership change takes
/// exactly one backup first, the retention prunes only automatic backups, and a backup that fails
/// stops the change before anything is touched.
/// </summary>
public sealed class BackupRuleTests : IDisposable
{
    private const string Cluster = "bk";
    private readonly string _root = Directory.CreateTempSubdirectory("hm-backup-").FullName;
    private readonly FakeWorld _world = new();

    [Fact]
    public async Task An_add_a_remove_and_a_repair_each_leave_exactly_one_verified_backup_taken_from_a_follower()
    {
        await ClusterAsync(replicas: 3);
        var afterCreate = Backups();
        Assert.Equal(["BeforeAdd", "BeforeAdd"], afterCreate.Select(b => b.Reason));

        await Engine().RemoveReplicaAsync(Cluster, Replica(2), force: false, CancellationToken.None);
        var removal = Assert.Single(Backups().Except(afterCreate, ByName.Instance));
        await Engine().RepairReplicaAsync(Cluster, Replica(1), force: true, CancellationToken.None);
        var repair = Assert.Single(Backups().Except(afterCreate, ByName.Instance).Except([removal], ByName.Instance));

        Assert.Equal("BeforeRemove", removal.Reason);
        Assert.Equal("BeforeRepair", repair.Reason);
        Assert.All(Backups(), b => Assert.True(b.Verified, b.Problem));
        var leader = _world.Members.Single(m => m.Id == _world.LeaderId).Name;
        Assert.NotEqual(leader, removal.SourceReplica);
    }

    [Fact]
    public async Task The_retention_prunes_the_oldest_automatic_backups_and_keeps_manual_ones()
    {
        await Engine().NewClusterAsync(new NewClusterRequest(Cluster, BackupRetention: 2), CancellationToken.None);
        var manual = await Engine().BackupAsync(Cluster, null, CancellationToken.None);
        for (var i = 0; i < 3; i++) await Engine().AddReplicaAsync(Cluster, null, CancellationToken.None);
        var automatic = Backups().Where(b => b.Reason != "Manual").ToList();

        Assert.Equal(2, automatic.Count);
        Assert.Contains(Backups(), b => b.Name == manual.Name);
        Assert.Equal(3, Directory.GetFiles(BackupsFolder(), "*.db").Length);
    }

    [Fact]
    public async Task A_failing_backup_refuses_the_change_with_nothing_touched()
    {
        await ClusterAsync(replicas: 3);
        var before = _world.Describe();
        var stateBefore = File.ReadAllText(new StateDirectory(_root).StateFile(Cluster));
        var files = Directory.GetFiles(BackupsFolder());
        _world.SnapshotFailure = "etcdserver: mvcc: database space exceeded";
        _world.Calls.Clear();

        var error = await Assert.ThrowsAsync<HaException>(() => Engine().AddReplicaAsync(Cluster, null, CancellationToken.None));

        Assert.Equal(ErrorIds.BackupFailed, error.ErrorId);
        Assert.Contains("Add-MasterReplica changed nothing", error.Message);
        Assert.Contains("database space exceeded", error.Message);
        Assert.Equal(before, _world.Describe());
        Assert.Equal(stateBefore, File.ReadAllText(new StateDirectory(_root).StateFile(Cluster)));
        Assert.Equal(files, Directory.GetFiles(BackupsFolder()));
        Assert.All(_world.Calls, call => Assert.StartsWith("snapshot ", call));
    }

    [Fact]
    public async Task A_backup_folder_that_cannot_be_written_is_refused_before_anything_is_streamed()
    {
        await ClusterAsync(replicas: 1);
        var notAFolder = Path.Combine(_root, "a-file");
        File.WriteAllText(notAFolder, "");
        _world.Calls.Clear();

        var error = await Assert.ThrowsAsync<HaException>(() => Engine().BackupAsync(Cluster, notAFolder, CancellationToken.None));

        Assert.Equal(ErrorIds.BackupPathNotWritable, error.ErrorId);
        Assert.Empty(_world.Calls);
    }

    [Fact]
    public async Task A_backup_whose_file_was_altered_or_lost_is_listed_as_not_verified_with_the_reason()
    {
        await ClusterAsync(replicas: 2);
        var altered = await Engine().BackupAsync(Cluster, null, CancellationToken.None);
        var lost = await Engine().BackupAsync(Cluster, null, CancellationToken.None);
        using (var file = File.OpenWrite(altered.Path)) file.WriteByte(0x42);
        File.Delete(lost.Path);

        var listed = Backups().ToDictionary(b => b.Name);

        Assert.False(listed[altered.Name].Verified);
        Assert.Contains("SHA-256", listed[altered.Name].Problem);
        Assert.False(listed[lost.Name].Verified);
        Assert.Contains("missing", listed[lost.Name].Problem);
    }

    private async Task ClusterAsync(int replicas)
    {
        await Engine().NewClusterAsync(new NewClusterRequest(Cluster), CancellationToken.None);
        for (var i = 1; i < replicas; i++) await Engine().AddReplicaAsync(Cluster, null, CancellationToken.None);
    }

    private List<HaClusterBackup> Backups() => Engine().GetBackups(Cluster, null).ToList();

    private string BackupsFolder() => new StateDirectory(_root).BackupsDirectory(Cluster);

    private string Replica(int index) => new ClusterStore(new StateDirectory(_root)).Load(Cluster).Replicas[index].Name;

    private HaEngine Engine() => _world.Engine(_root);

    private sealed class ByName : IEqualityComparer<HaClusterBackup>
    {
        public static readonly ByName Instance = new();
        public bool Equals(HaClusterBackup? x, HaClusterBackup? y) => x?.Name == y?.Name;
        public int GetHashCode(HaClusterBackup obj) => obj.Name.GetHashCode(StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
