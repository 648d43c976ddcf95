using HaMaster.Gce.Tests.Compute;
using HaMaster.TestSupport;
using Xunit;

namespace HaMaster.Gce.Tests;

/// <summary>The quickstart with -Provider Gce, through the module's cmdlets, against the Compute stand-in and its fake VMs.</summary>
[Collection(ProcessEnvironmentCollection.Name)]
public sealed class GceQuickstartTests
{
    [Fact]
    public async Task The_quickstart_runs_on_the_Gce_provider_and_leaves_nothing_behind()
    {
        await using var cloud = await GceTestCloud.StartAsync();

        var cluster = cloud.Single<HaCluster>(cloud.NewCluster("demo"));
        Assert.Equal("Healthy", cluster.Status);
        // Zones complete from the cluster's region; a cold cache may answer empty at first (it never waits over 1 s).
        string[] zones = [];
        Eventually.Holds("the cluster's zones complete", () => (zones = CompleteZones(cloud)).Length > 0, TimeSpan.FromSeconds(20));
        Assert.Contains("us-central1-a", zones);
        Assert.All(zones, z => Assert.StartsWith("us-central1-", z));

        Assert.Equal(2, cloud.Run("Add-MasterReplica -Cluster demo -Count 2").OfType<MasterReplica>().Count());
        await cloud.Vms.WaitForExternalAddressesAsync(TimeSpan.FromSeconds(30));
        var replicas = cloud.Run("Get-MasterReplica demo").OfType<MasterReplica>().ToList();
        Assert.Equal(3, replicas.Count);
        Assert.All(replicas, r => Assert.True(r.Healthy, $"{r.Name}: {string.Join("; ", r.Problems)}"));
        Assert.NotNull(cloud.StandIn.GetResource($"projects/{GceTestCloud.Project}/regions/us-central1/forwardingRules/demo-master"));

        var victim = replicas.First(r => r.EtcdRole == "Follower");
        cloud.Run($"Stop-MasterReplica -Cluster demo -Name {victim.Name} -Force");
        Assert.True(cloud.Single<MasterReplica>($"Get-MasterReplica demo -Name {victim.Name}").Unhealthy);

        var repaired = cloud.Single<MasterReplica>("Get-MasterReplica | Where Unhealthy | Replace-MasterReplica");
        Assert.True(repaired.Healthy, string.Join("; ", repaired.Problems));
        Assert.All(cloud.Run("Get-MasterReplica demo").OfType<MasterReplica>(), r => Assert.True(r.Healthy, $"{r.Name}: {string.Join("; ", r.Problems)}"));

        cloud.Run("Remove-HaCluster demo -Force");
        Assert.Empty(cloud.StandIn.Inventory());
    }

    private static string[] CompleteZones(GceTestCloud cloud) =>
        cloud.Run("$line = 'Add-MasterReplica -Cluster demo -Zone us'; (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches | ForEach-Object CompletionText")
            .OfType<string>().ToArray();
}
