using HaMaster.Gce.Bootstrap;
using HaMaster.Gce.Tests.Compute;
using Xunit;

namespace HaMaster.Gce.Tests;

/// <summary>
/// etcd maintenance on the Gce provider, against the Compute stand-in and its fake VMs (real etcd):
/// the recorded quota reaches each VM's startup script, and Optimize-HaCluster defragments every
/// member through the SSH tunnels, one at a time, with the cluster healthy after.
/// </summary>
[Collection(ProcessEnvironmentCollection.Name)]
public sealed class GceMaintenanceTests
{
    [Fact]
    public async Task The_quota_reaches_every_vm_and_optimize_defragments_each_member_through_its_tunnel()
    {
        await using var cloud = await GceTestCloud.StartAsync();
        cloud.Run(cloud.NewCluster("mt", "-EtcdQuotaBytes 64MB"));
        cloud.Run("Add-MasterReplica -Cluster mt -Count 2");
        var replicas = cloud.Run("Get-MasterReplica mt").OfType<MasterReplica>().ToList();
        foreach (var replica in replicas)
            Assert.Contains("--quota-backend-bytes=67108864", StartupScript(cloud, replica.Name));
        var members = cloud.Run("Get-EtcdMember mt").OfType<EtcdMember>().ToList();
        Assert.All(members, m => Assert.True(m.DbSize > 0 && m.DbSizeInUse > 0 && m.Fragmentation is >= 0 and < 1, $"{m.Name}: {m.DbSize} {m.DbSizeInUse} {m.Fragmentation}"));

        var optimized = cloud.Run("Optimize-HaCluster -Cluster mt -Confirm:$false").OfType<EtcdDefragmentation>().ToList();

        Assert.Equal(replicas.Select(r => r.Name).Order(), optimized.Select(o => o.Member).Order());
        Assert.All(optimized, o => Assert.True(o.DbSizeAfter > 0 && o.DbSizeAfter <= o.DbSizeBefore, $"{o.Member}: {o.DbSizeBefore} -> {o.DbSizeAfter}"));
        var leader = members.Single(m => m.IsLeader).Name;
        Assert.Equal(leader, optimized[^1].Member);
        Assert.All(cloud.Run("Get-MasterReplica mt").OfType<MasterReplica>(), r => Assert.True(r.Healthy, $"{r.Name}: {string.Join("; ", r.Problems)}"));
        cloud.Run("Remove-HaCluster mt -Force");
    }

    private static string StartupScript(GceTestCloud cloud, string instance) =>
        (string)cloud.StandIn.GetResource($"projects/{GceTestCloud.Project}/zones/{GceTestCloud.Zone}/instances/{instance}")!["metadata"]!["items"]!.AsArray()
            .Single(i => (string)i!["key"]! == ReplicaMetadataKeys.StartupScript)!["value"]!;
}
