using HaMaster.Gce.Ssh;
using HaMaster.Gce.Tests.Compute;
using Xunit;

namespace HaMaster.Gce.Tests;

/// <summary>
/// The default access of a Gce cluster (External, a machine outside the VPC), through the cmdlets:
/// etcd reached through SSH tunnels to the VMs' external addresses with the module's key, each VM's
/// host key taken from its guest attributes, and a VM presenting another host key refused. The
/// settings given to New-HaCluster are recorded and used by later commands; backups stream through
/// the tunnels too.
/// </summary>
[Collection(ProcessEnvironmentCollection.Name)]
public sealed class GceExternalAccessTests
{
    [Fact]
    public async Task Etcd_is_reached_through_ssh_with_the_module_key_and_the_host_key_the_vm_published()
    {
        await using var cloud = await GceTestCloud.StartAsync();
        cloud.Run(cloud.NewCluster("ext", "-KubernetesVersion v1.33.2") + " | Add-MasterReplica");
        await cloud.Vms.WaitForExternalAddressesAsync(TimeSpan.FromSeconds(30));

        Assert.All(cloud.Run("Get-MasterReplica ext").OfType<MasterReplica>(), r => Assert.True(r.Healthy, $"{r.Name}: {string.Join("; ", r.Problems)}"));
        Assert.Contains(cloud.StandIn.Requests, r => r.Call == "instances.getGuestAttributes" && r.StatusCode == 200);
        var moduleKey = SshKeyPair.Load(Path.Combine(cloud.Home, "clusters", "ext", "gce", "ssh-key"));
        foreach (var vm in cloud.Vms.Vms)
        {
            var log = File.ReadAllText(vm.SshLog);
            Assert.Contains($"Accepted publickey for hamaster from 127.0.0.1", log);
            Assert.Contains(moduleKey.Fingerprint, log);
            // The version given at creation is recorded: the replica added later installs it too.
            var script = cloud.StandIn.GetResource(vm.Path)!["metadata"]!["items"]!.AsArray().Single(i => (string?)i!["key"] == "startup-script")!["value"]!.GetValue<string>();
            Assert.Contains("kubernetes_version=v1.33.2", script);
        }

        // Backups stream through the same tunnels: the one the add took first (rule 12), and a manual one from the follower.
        var automatic = Assert.Single(cloud.Run("Get-HaClusterBackup ext").OfType<HaClusterBackup>());
        Assert.True(automatic.Verified, automatic.Problem);
        Assert.Equal(("BeforeAdd", "ext-master"), (automatic.Reason, automatic.SourceReplica));
        var manual = Assert.Single(cloud.Run("Backup-HaCluster -Cluster ext").OfType<HaClusterBackup>());
        Assert.True(manual.Verified, manual.Problem);
        var follower = cloud.Run("Get-MasterReplica ext").OfType<MasterReplica>().Single(r => r.EtcdRole == "Follower");
        Assert.Equal(follower.Name, manual.SourceReplica);

        cloud.Run("Remove-HaCluster ext -Force");
        Assert.Empty(cloud.StandIn.Inventory());
    }

    [Fact]
    public async Task A_vm_presenting_another_host_key_than_it_published_is_refused_and_nothing_changes()
    {
        await using var cloud = await GceTestCloud.StartAsync();
        cloud.Run(cloud.NewCluster("mitm"));
        var before = cloud.StandIn.Inventory();

        // The VM now publishes a key its SSH server does not hold: whatever answers at its address is not it.
        var vm = cloud.Vms.Vm("mitm-master")!;
        var otherKey = SshKeyPair.Generate("someone-else");
        var other = otherKey.PublicKey.Split(' ');
        cloud.StandIn.SetGuestAttribute(vm.Project, vm.Zone, vm.Name, "hostkeys", other[0], other[1]);

        var (_, errors) = cloud.Try("Add-MasterReplica -Cluster mitm");
        var error = Assert.Single(errors);
        Assert.Equal("ClusterUnhealthy,HaMaster.Commands.AddMasterReplicaCommand", error.FullyQualifiedErrorId);
        Assert.Contains("host key", error.ErrorDetails!.Message);
        Assert.Contains(otherKey.Fingerprint, error.ErrorDetails.Message);
        Assert.False(string.IsNullOrWhiteSpace(error.ErrorDetails.RecommendedAction));
        Assert.Equal(before, cloud.StandIn.Inventory());

        var replica = cloud.Single<MasterReplica>("Get-MasterReplica mitm");
        Assert.True(replica.Unhealthy);
        Assert.Contains(replica.Problems, p => p.Contains("host key", StringComparison.Ordinal));
    }
}
