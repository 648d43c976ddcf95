using HaMaster.TestSupport;
using System.Text.Json;
using HaMaster.Engine.Etcd;
using HaMaster.Engine.Pki;

namespace HaMaster.Tests;

/// <summary>
/// Backups through the cmdlets on a real cluster (docs/design.md §10.1): a snapshot streamed from a
/// follower over mutual TLS that etcd's own tool reads back, listed and checked, one automatic backup
/// per membership change (rule 12), and bad input refused with nothing left behind.
/// </summary>
public sealed class BackupTests : IDisposable
{
    private readonly PowerShellSession _ps = new();

    [Fact]
    public async Task A_backup_is_a_snapshot_etcd_reads_back_and_each_change_leaves_exactly_one_more()
    {
        _ps.Run("New-HaCluster -Name bk | Add-MasterReplica -Count 2", throwOnError: true);
        Assert.Equal(["BeforeAdd", "BeforeAdd"], Backups().Select(b => b.Reason));

        var replicas = _ps.Get<MasterReplica>("Get-MasterReplica bk");
        using (var etcd = new EtcdGateway(new ClusterPki(Path.Combine(ClusterFolder(), "pki")).LoadEtcdCredentials()))
            for (var i = 0; i < 20; i++)
                await etcd.PutAsync($"https://{replicas[0].InternalAddress}:2379", $"/backup-test/{i}", $"value {i}", CancellationToken.None);

        var backup = Assert.Single(_ps.Get<HaClusterBackup>("Backup-HaCluster -Cluster bk"));
        Assert.True(backup.Verified, backup.Problem);
        Assert.Equal("Manual", backup.Reason);
        Assert.Equal("Follower", replicas.Single(r => r.Name == backup.SourceReplica).EtcdRole);
        var status = SnapshotStatus(backup.Path);
        Assert.True(status.Revision >= 21, $"etcdctl reads revision {status.Revision}");
        Assert.True(backup.Revision >= 21 && backup.Revision <= status.Revision, $"recorded {backup.Revision}, etcdctl reads {status.Revision}");
        Assert.True(status.TotalKey >= 20);
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(backup.Path)!, "*.partial"));

        _ps.Run($"Remove-MasterReplica -Cluster bk -Name {replicas[2].Name} -Confirm:$false", throwOnError: true);
        Assert.Equal(["BeforeAdd", "BeforeAdd", "Manual", "BeforeRemove"], Backups().Select(b => b.Reason));
        Assert.All(Backups(), b => Assert.True(b.Verified, b.Problem));

        // An altered file is shown as such, and can be deleted.
        var bytes = File.ReadAllBytes(backup.Path);
        bytes[4096] ^= 0xFF;
        File.WriteAllBytes(backup.Path, bytes);
        var altered = Backups().Single(b => b.Name == backup.Name);
        Assert.False(altered.Verified);
        Assert.Contains("SHA-256", altered.Problem);
        _ps.Run($"Get-HaClusterBackup bk | Where-Object {{ -not $_.Verified }} | Remove-HaClusterBackup -Confirm:$false", throwOnError: true);
        Assert.DoesNotContain(Backups(), b => b.Name == backup.Name);
        Assert.False(File.Exists(backup.Path));
    }

    [Fact]
    public void Bad_backup_folders_and_a_full_disk_are_refused_with_nothing_left_behind()
    {
        _ps.Run("New-HaCluster -Name bf", throwOnError: true);
        var notAFolder = Path.Combine(_ps.Home, "not-a-folder");
        File.WriteAllText(notAFolder, "");
        var notWritable = _ps.Run($"Backup-HaCluster -Cluster bf -Path '{notAFolder}'").SingleError();
        Assert.StartsWith("BackupPathNotWritable,", notWritable.FullyQualifiedErrorId);
        Assert.Contains("-Path", notWritable.ErrorDetails.RecommendedAction);

        // A file system with room for less than one snapshot.
        var small = Path.Combine(_ps.Home, "small-disk");
        Directory.CreateDirectory(small);
        ShellCommand.Run($"mount -t tmpfs -o size=16k tmpfs '{small}'");
        try
        {
            var full = _ps.Run($"Backup-HaCluster -Cluster bf -Path '{small}'").SingleError();
            Assert.StartsWith("BackupFailed,", full.FullyQualifiedErrorId);
            Assert.Contains("space", full.Exception.Message);
            Assert.Empty(Directory.GetFileSystemEntries(small));
        }
        finally
        {
            ShellCommand.Run($"umount '{small}'");
        }
        Assert.Empty(_ps.Get<HaClusterBackup>("Get-HaClusterBackup bf"));
    }

    private List<HaClusterBackup> Backups() => _ps.Get<HaClusterBackup>("Get-HaClusterBackup -Cluster bk");

    private string ClusterFolder() => Path.Combine(_ps.Home, "clusters", "bk");

    private sealed record SnapshotStatusJson(long Hash, long Revision, long TotalKey, long TotalSize);

    /// <summary>What etcd's own tool reads from the snapshot file.</summary>
    private static SnapshotStatusJson SnapshotStatus(string file)
    {
        var output = Etcdctl.Run(["snapshot", "status", file, "-w", "json"]);
        return JsonSerializer.Deserialize<SnapshotStatusJson>(output, new JsonSerializerOptions { PropertyNameCaseInsensitive = true })!;
    }

    public void Dispose() => _ps.Dispose();
}
