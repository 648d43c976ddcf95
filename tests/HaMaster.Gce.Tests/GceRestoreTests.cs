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
/// the VM restores it at boot as its startup script says. Keys are written and read with etcd's own
/// client at the members' internal addresses.
/// </summary>
[Collection(ProcessEnvironmentCollection.Name)]
public sealed class GceRestoreTests
{
    [Fact]
    public async Task A_backup_taken_through_the_tunnel_brings_back_a_cluster_whose_two_vms_lost_their_etcd_data()
    {
        await using var cloud = await GceTestCloud.StartAsync();
        cloud.Run(cloud.NewCluster("gr"));
        cloud.Run("Add-MasterReplica -Cluster gr -Count 2");
        var before = cloud.Run("Get-MasterReplica gr").OfType<MasterReplica>().OrderBy(r => r.Name).ToList();
        var oldMembers = cloud.Run("Get-EtcdMember gr").OfType<EtcdMember>().Select(m => m.Id).ToList();
        for (var i = 0; i < 10; i++) Etcdctl.At(cloud.Home, "gr", before[0], "put", $"/k1/{i}", "before");
        var backup = cloud.Single<HaClusterBackup>("Backup-HaCluster -Cluster gr");
        Assert.True(backup.Verified, backup.Problem);
        for (var i = 0; i < 10; i++) Etcdctl.At(cloud.Home, "gr", before[0], "put", $"/k2/{i}", "after");

        // Two VMs crash and come back without etcd's data (dead disks): the cluster has no quorum.
        var restored = before.Single(r => r.Name == "gr-master");
        foreach (var dead in before.Where(r => r != restored))
        {
            cloud.StandIn.SetInstanceStatus(GceTestCloud.Project, dead.Zone, dead.Name, "TERMINATED");
            var vm = cloud.Vms.Vm(dead.Name)!;
            await cloud.Vms.WaitUntilAsync(() => vm.State == FakeVmState.Stopped, TimeSpan.FromSeconds(30), $"{dead.Name} stopped");
            Directory.Delete(vm.EtcdDataDirectory, recursive: true);
        }
        Assert.Equal("NoQuorum", cloud.Single<HaCluster>("Get-HaCluster gr").Status);

        var (output, errors) = cloud.Try($"Restore-HaCluster -Cluster gr -Backup {backup.Name} -Confirm:$false -WarningVariable warned; $warned");
        Assert.True(errors.Count == 0, string.Join("\n", errors.Select(GceTestCloud.Describe)) + "\n" + cloud.Vms.DescribeAll());
        var restore = Assert.Single(output.OfType<HaClusterRestore>());
        Assert.Equal(($"backup {backup.Name}", backup.Revision, "Healthy"), (restore.Source, restore.Revision, restore.Status));
        Assert.Contains(output.OfType<WarningRecord>(), w => w.Message.Contains($"writes acknowledged after revision {backup.Revision} are lost"));

        var after = cloud.Run("Get-MasterReplica gr").OfType<MasterReplica>().ToList();
        Assert.Equal(3, after.Count);
        Assert.All(after, r => Assert.True(r.Healthy, $"{r.Name}: {string.Join("; ", r.Problems)}"));
        var members = cloud.Run("Get-EtcdMember gr").OfType<EtcdMember>().ToList();
        Assert.Equal(3, members.Count);
        Assert.DoesNotContain(members, m => oldMembers.Contains(m.Id));
        foreach (var replica in after)
        {
            var keys = Etcdctl.At(cloud.Home, "gr", replica, "get", "/k", "--prefix", "--keys-only").Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(Enumerable.Range(0, 10).Select(i => $"/k1/{i}"), keys);
        }

        // The VM restored what the module uploaded, over SFTP, into its own /var/tmp, and removed the file after.
        var vmRestored = cloud.Vms.Vm(restored.Name)!;
        var sshLog = File.ReadAllText(vmRestored.SshLog);
        Assert.True(sshLog.Contains("Starting session: subsystem 'sftp' for hamaster", StringComparison.Ordinal), sshLog);
        Assert.Empty(Directory.GetFiles(FakeVmBootPlan.Rooted(vmRestored.RootFolder, SnapshotRestoreSpec.UploadFolder)));
        Assert.True(File.Exists(FakeVmBootPlan.Rooted(vmRestored.RootFolder, SnapshotRestoreSpec.Marker)));
        Assert.Empty(cloud.Vms.Errors);
        cloud.Run("Remove-HaCluster gr -Force");
    }
}
