using System.Management.Automation;
using HaMaster.Gce.Bootstrap;
using HaMaster.Gce.Tests.Compute;
using HaMaster.Testing.Compute.FakeVm;
using HaMaster.TestSupport;
using Xunit;

namespace HaMaster.Gce.Tests;

/// <summary>
/// Restore-HaCluster on the Gce provider, against the Compute stand-in and its fake VMs (real etcd,
/// real sshd): a backup streamed through the SSH tunnel brings back a cluster two of whose three VMs
/// lost their etcd data. The snapshot reaches the restored VM by SFTP, confined to the VM's disk, and
/// the VM restores it at boot as its startup script says. A restore killed after that is finished by
/// the next command from its journaled step. Keys are written and read with etcd's own client at the
/// members' internal addresses.
/// </summary>
[Collection(ProcessEnvironmentCollection.Name)]
public sealed class GceRestoreTests
{
    [Fact]
    public async Task A_backup_taken_through_the_tunnel_brings_back_a_cluster_whose_two_vms_lost_their_etcd_data()
    {
        await using var cloud = await GceTestCloud.StartAsync();
        var lost = await LoseQuorumAsync(cloud, "gr");

        var (output, errors) = cloud.Try($"Restore-HaCluster -Cluster gr -Backup {lost.Backup.Name} -Confirm:$false -WarningVariable warned; $warned");
        Assert.True(errors.Count == 0, string.Join("\n", errors.Select(GceTestCloud.Describe)) + "\n" + cloud.Vms.DescribeAll());
        var restore = Assert.Single(output.OfType<HaClusterRestore>());
        Assert.Equal(($"backup {lost.Backup.Name}", lost.Backup.Revision, "Healthy"), (restore.Source, restore.Revision, restore.Status));
        Assert.Contains(output.OfType<WarningRecord>(), w => w.Message.Contains($"writes acknowledged after revision {lost.Backup.Revision} are lost"));
        AssertRestored(cloud, "gr", lost);

        // The VM restored what the module uploaded, over SFTP, into its own /var/tmp, and removed the file after.
        var vm = cloud.Vms.Vm(lost.Restored)!;
        var sshLog = File.ReadAllText(vm.SshLog);
        Assert.True(sshLog.Contains("Starting session: subsystem 'sftp' for hamaster", StringComparison.Ordinal), sshLog);
        Assert.Empty(Directory.GetFiles(FakeVmBootPlan.Rooted(vm.RootFolder, SnapshotRestoreSpec.UploadFolder)));
        Assert.True(File.Exists(FakeVmBootPlan.Rooted(vm.RootFolder, SnapshotRestoreSpec.Marker)));
        Assert.Empty(cloud.Vms.Errors);
        cloud.Run("Remove-HaCluster gr -Force");
    }

    [Fact]
    public async Task A_restore_killed_after_the_vm_restored_the_snapshot_is_finished_by_the_next_command_without_restoring_again()
    {
        await using var cloud = await GceTestCloud.StartAsync();
        var lost = await LoseQuorumAsync(cloud, "gk");

        await cloud.KillAtStepAsync($"Restore-HaCluster -Cluster gk -Backup {lost.Backup.Name} -Confirm:$false", "gk", "remove-others");
        var vm = cloud.Vms.Vm(lost.Restored)!;
        var marker = FakeVmBootPlan.Rooted(vm.RootFolder, SnapshotRestoreSpec.Marker);
        await cloud.Vms.WaitUntilAsync(() => File.Exists(marker), TimeSpan.FromSeconds(60), "the VM restored the uploaded snapshot");
        var restoreId = File.ReadAllText(marker);
        var boots = vm.Boots;

        var (output, errors) = cloud.Try("Restore-HaCluster -Cluster gk -Confirm:$false -WarningVariable warned; $warned");

        Assert.True(errors.Count == 0, string.Join("\n", errors.Select(GceTestCloud.Describe)) + "\n" + cloud.Vms.DescribeAll());
        Assert.Contains(output.OfType<WarningRecord>(), w => w.Message.Contains("interrupted restore", StringComparison.Ordinal));
        Assert.Equal("Healthy", Assert.Single(output.OfType<HaClusterRestore>()).Status);
        AssertRestored(cloud, "gk", lost);
        // Finished from the journaled step: the VM was neither booted nor restored again.
        Assert.Equal((restoreId, boots), (File.ReadAllText(marker), vm.Boots));
        Assert.Empty(cloud.Vms.Errors);
        cloud.Run("Remove-HaCluster gk -Force");
    }

    private sealed record LostQuorum(string Restored, HaClusterBackup Backup, IReadOnlyList<string> OldMembers);

    /// <summary>
    /// Three VMs; keys /k1/ written, a backup through the tunnel, keys /k2/ written; then two VMs crash
    /// and their etcd data is wiped (dead disks), so the cluster has no quorum.
    /// </summary>
    private static async Task<LostQuorum> LoseQuorumAsync(GceTestCloud cloud, string cluster)
    {
        cloud.Run(cloud.NewCluster(cluster));
        cloud.Run($"Add-MasterReplica -Cluster {cluster} -Count 2");
        var before = cloud.Run($"Get-MasterReplica {cluster}").OfType<MasterReplica>().OrderBy(r => r.Name).ToList();
        var oldMembers = cloud.Run($"Get-EtcdMember {cluster}").OfType<EtcdMember>().Select(m => m.Id).ToList();
        for (var i = 0; i < 10; i++) Etcdctl.At(cloud.Home, cluster, before[0], "put", $"/k1/{i}", "before");
        var backup = cloud.Single<HaClusterBackup>($"Backup-HaCluster -Cluster {cluster}");
        Assert.True(backup.Verified, backup.Problem);
        for (var i = 0; i < 10; i++) Etcdctl.At(cloud.Home, cluster, before[0], "put", $"/k2/{i}", "after");

        // The first replica is the one a restore puts the snapshot into.
        var restored = $"{cluster}-master";
        foreach (var dead in before.Where(r => r.Name != restored))
        {
            cloud.StandIn.SetInstanceStatus(GceTestCloud.Project, dead.Zone, dead.Name, "TERMINATED");
            var vm = cloud.Vms.Vm(dead.Name)!;
            await cloud.Vms.WaitUntilAsync(() => vm.State == FakeVmState.Stopped, TimeSpan.FromSeconds(30), $"{dead.Name} stopped");
            Directory.Delete(vm.EtcdDataDirectory, recursive: true);
        }
        Assert.Equal("NoQuorum", cloud.Single<HaCluster>($"Get-HaCluster {cluster}").Status);
        return new LostQuorum(restored, backup, oldMembers);
    }

    /// <summary>Three healthy replicas with new member ids, and on every member the keys of the backup only.</summary>
    private static void AssertRestored(GceTestCloud cloud, string cluster, LostQuorum lost)
    {
        var after = cloud.Run($"Get-MasterReplica {cluster}").OfType<MasterReplica>().ToList();
        Assert.Equal(3, after.Count);
        Assert.All(after, r => Assert.True(r.Healthy, $"{r.Name}: {string.Join("; ", r.Problems)}"));
        var members = cloud.Run($"Get-EtcdMember {cluster}").OfType<EtcdMember>().ToList();
        Assert.Equal(3, members.Count);
        Assert.DoesNotContain(members, m => lost.OldMembers.Contains(m.Id));
        foreach (var replica in after)
        {
            var keys = Etcdctl.At(cloud.Home, cluster, replica, "get", "/k", "--prefix", "--keys-only").Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(Enumerable.Range(0, 10).Select(i => $"/k1/{i}"), keys);
        }
    }
}
