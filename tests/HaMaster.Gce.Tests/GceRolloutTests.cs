using HaMaster.Gce.Tests.Compute;
using Xunit;

namespace HaMaster.Gce.Tests;

/// <summary>
/// Update-HaCluster -Rollout on the Gce provider, against the Compute stand-in and its fake VMs (real
/// etcd and API endpoints): every VM replaced by a new one in its zone, the old VMs deleted, the
/// target pool holding exactly the new ones.
/// </summary>
[Collection(ProcessEnvironmentCollection.Name)]
public sealed class GceRolloutTests
{
    [Fact]
    public async Task Every_vm_is_replaced_by_a_new_one_and_the_old_ones_are_deleted()
    {
        await using var cloud = await GceTestCloud.StartAsync();
        cloud.Run(cloud.NewCluster("ro"));
        cloud.Run("Add-MasterReplica -Cluster ro -Count 2");
        var before = cloud.Run("Get-MasterReplica ro").OfType<MasterReplica>().ToList();

        var after = cloud.Run("Update-HaCluster -Cluster ro -Rollout -Confirm:$false").OfType<MasterReplica>().ToList();

        Assert.Equal(3, after.Count);
        Assert.DoesNotContain(after, r => before.Any(b => b.Name == r.Name && b.CreatedAt == r.CreatedAt));
        Assert.All(after, r => Assert.True(r.Healthy, $"{r.Name}: {string.Join("; ", r.Problems)}"));
        var instances = cloud.StandIn.Inventory().Where(p => p.Contains("/instances/", StringComparison.Ordinal)).Select(p => p[(p.LastIndexOf('/') + 1)..]).Order();
        Assert.Equal(after.Select(r => r.Name).Order(), instances);
        var pool = Assert.Single(cloud.Run("Get-HaCluster ro").OfType<HaCluster>()).LoadBalancer!;
        Assert.Equal(after.Select(r => r.Name).Order(), pool.Backends.Select(b => b.Replica).Order());
        Assert.All(pool.Backends, b => Assert.True(b.Healthy, $"{b.Replica} is {b.State}"));
        cloud.Run("Remove-HaCluster ro -Force");
        Assert.Empty(cloud.StandIn.Inventory());
    }
}
