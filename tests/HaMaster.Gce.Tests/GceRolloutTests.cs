using HaMaster.Engine.Errors;
using HaMaster.Gce.Bootstrap;
using HaMaster.Gce.Tests.Compute;
using Xunit;

namespace HaMaster.Gce.Tests;

/// <summary>
/// Update-HaCluster -Rollout on the Gce provider, against the Compute stand-in and its fake VMs (real
/// etcd and API endpoints): every VM replaced by a new one in its zone, the old VMs deleted, the
/// target pool holding exactly the new ones; -KubernetesVersion one minor up replaces every VM with one
/// whose startup script installs that release, and two minors up is refused with nothing changed.
/// </summary>
[Collection(ProcessEnvironmentCollection.Name)]
public sealed class GceRolloutTests
{
    [Fact]
    public async Task Every_vm_is_replaced_by_a_new_one_and_the_old_ones_are_deleted_also_for_a_new_kubernetes_release()
    {
        await using var cloud = await GceTestCloud.StartAsync();
        cloud.Run(cloud.NewCluster("ro"));
        cloud.Run("Add-MasterReplica -Cluster ro -Count 2");
        var before = cloud.Run("Get-MasterReplica ro").OfType<MasterReplica>().ToList();

        var rolledOut = cloud.Run("Update-HaCluster -Cluster ro -Rollout -Confirm:$false").OfType<MasterReplica>().ToList();
        AssertReplaced(cloud, before, rolledOut);
        Assert.All(rolledOut, r => Assert.Contains($"kubernetes_version={KubernetesRelease.DefaultVersion}", StartupScript(cloud, r.Name)));

        var refused = Assert.Single(cloud.Try("Update-HaCluster -Cluster ro -KubernetesVersion v1.36.0 -Confirm:$false").Errors);
        Assert.StartsWith(ErrorIds.VersionChangeRefused + ",", refused.FullyQualifiedErrorId);
        Assert.Contains("one minor version at a time", refused.Exception.Message);
        Assert.Equal(rolledOut.Select(r => r.Name).Order(), Instances(cloud));
        var updated = cloud.Run("Update-HaCluster -Cluster ro -KubernetesVersion v1.35.0 -EtcdVersion v3.5.22 -MachineType e2-standard-4 -Confirm:$false")
            .OfType<MasterReplica>().ToList();
        AssertReplaced(cloud, rolledOut, updated);
        Assert.All(updated, r =>
        {
            Assert.Contains("kubernetes_version=v1.35.0", StartupScript(cloud, r.Name));
            Assert.Contains("etcd_version=v3.5.22", StartupScript(cloud, r.Name));
            Assert.EndsWith("/machineTypes/e2-standard-4", (string)Instance(cloud, r.Name)["machineType"]!, StringComparison.Ordinal);
        });
        cloud.Run("Remove-HaCluster ro -Force");
        Assert.Empty(cloud.StandIn.Inventory());
    }

    private static void AssertReplaced(GceTestCloud cloud, List<MasterReplica> before, List<MasterReplica> after)
    {
        Assert.Equal(3, after.Count);
        Assert.DoesNotContain(after, r => before.Any(b => b.Name == r.Name && b.CreatedAt == r.CreatedAt));
        Assert.All(after, r => Assert.True(r.Healthy, $"{r.Name}: {string.Join("; ", r.Problems)}"));
        Assert.Equal(after.Select(r => r.Name).Order(), Instances(cloud));
        var pool = Assert.Single(cloud.Run($"Get-HaCluster {after[0].Cluster}").OfType<HaCluster>()).LoadBalancer!;
        Assert.Equal(after.Select(r => r.Name).Order(), pool.Backends.Select(b => b.Replica).Order());
        Assert.All(pool.Backends, b => Assert.True(b.Healthy, $"{b.Replica} is {b.State}"));
    }

    private static IEnumerable<string> Instances(GceTestCloud cloud) =>
        cloud.StandIn.Inventory().Where(p => p.Contains("/instances/", StringComparison.Ordinal)).Select(p => p[(p.LastIndexOf('/') + 1)..]).Order();

    private static System.Text.Json.Nodes.JsonNode Instance(GceTestCloud cloud, string instance) =>
        cloud.StandIn.GetResource($"projects/{GceTestCloud.Project}/zones/{GceTestCloud.Zone}/instances/{instance}")!;

    private static string StartupScript(GceTestCloud cloud, string instance) =>
        (string)Instance(cloud, instance)["metadata"]!["items"]!.AsArray().Single(i => (string)i!["key"]! == ReplicaMetadataKeys.StartupScript)!["value"]!;
}
