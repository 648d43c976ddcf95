using HaMaster.Gce.Tests.Compute;
using Xunit;

namespace HaMaster.Gce.Tests;

/// <summary>
/// Compute Engine failing under the cmdlets: a storm of 403 rateLimitExceeded, and the forwarding-rule
/// insert failing while one replica becomes two. The next command finishes the change, and removing
/// the cluster leaves no resource in the stand-in.
/// </summary>
[Collection(ProcessEnvironmentCollection.Name)]
public sealed class GceFaultTests
{
    [Fact]
    public async Task A_rate_limit_storm_slows_a_change_down_but_does_not_fail_it()
    {
        await using var cloud = await GceTestCloud.StartAsync();
        cloud.Run(cloud.NewCluster("storm"));
        var limitedBefore = cloud.StandIn.Requests.Count(r => r.StatusCode == 403);

        cloud.StandIn.RateLimitNext(6);
        var added = cloud.Single<MasterReplica>("Add-MasterReplica -Cluster storm");

        Assert.True(added.Healthy, string.Join("; ", added.Problems));
        Assert.Equal(limitedBefore + 6, cloud.StandIn.Requests.Count(r => r.StatusCode == 403));
        cloud.Run("Remove-HaCluster storm -Force");
        Assert.Empty(cloud.StandIn.Inventory());
    }

    [Fact]
    public async Task A_forwarding_rule_insert_failing_at_the_second_replica_is_finished_by_the_next_command()
    {
        await using var cloud = await GceTestCloud.StartAsync();
        cloud.Run(cloud.NewCluster("fr"));

        cloud.StandIn.FailNextOperation("forwardingRules.insert", "QUOTA_EXCEEDED", "Quota 'FORWARDING_RULES' exceeded.  Limit: 0.0 in region us-central1.");
        var (_, errors) = cloud.Try("Add-MasterReplica -Cluster fr");
        var error = Assert.Single(errors);
        Assert.False(string.IsNullOrWhiteSpace(error.ErrorDetails?.RecommendedAction));
        Assert.Contains("FORWARDING_RULES", error.ErrorDetails!.Message);
        Assert.Null(cloud.StandIn.GetResource($"projects/{GceTestCloud.Project}/regions/us-central1/forwardingRules/fr-master"));

        var (_, next) = cloud.Try("Add-MasterReplica -Cluster fr");
        Assert.True(next.Count == 0, string.Join("; ", next.Select(GceTestCloud.Describe)));
        Assert.NotNull(cloud.StandIn.GetResource($"projects/{GceTestCloud.Project}/regions/us-central1/forwardingRules/fr-master"));
        await cloud.Vms.WaitForExternalAddressesAsync(TimeSpan.FromSeconds(30));
        Assert.All(cloud.Run("Get-MasterReplica fr").OfType<MasterReplica>(), r => Assert.True(r.Healthy, $"{r.Name}: {string.Join("; ", r.Problems)}"));

        cloud.Run("Remove-HaCluster fr -Force");
        Assert.Empty(cloud.StandIn.Inventory());
    }

    [Fact]
    public async Task An_add_killed_between_starting_the_VM_and_promoting_it_is_rolled_back_by_the_next_command()
    {
        await using var cloud = await GceTestCloud.StartAsync();
        cloud.Run(cloud.NewCluster("cut"));

        await cloud.KillAtStepAsync("Add-MasterReplica -Cluster cut", "cut", "promote");
        var joining = cloud.StandIn.Inventory().Count(r => r.Contains("/instances/", StringComparison.Ordinal));
        Assert.Equal(2, joining); // the first master and the half-joined VM

        var next = cloud.Try("Add-MasterReplica -Cluster cut -WarningVariable warned; $warned");
        Assert.True(next.Errors.Count == 0, string.Join("; ", next.Errors.Select(GceTestCloud.Describe)));
        Assert.Contains(next.Output.OfType<System.Management.Automation.WarningRecord>(), w => w.Message.Contains("interrupted AddReplica"));
        await cloud.Vms.WaitForExternalAddressesAsync(TimeSpan.FromSeconds(30));
        var replicas = cloud.Run("Get-MasterReplica cut").OfType<MasterReplica>().ToList();
        Assert.Equal(2, replicas.Count);
        Assert.All(replicas, r => Assert.True(r.Healthy, $"{r.Name}: {string.Join("; ", r.Problems)}"));
        Assert.Equal(2, cloud.StandIn.Inventory().Count(r => r.Contains("/instances/", StringComparison.Ordinal)));
        Assert.Equal(replicas.Select(r => r.Name).Order(), cloud.Run("Get-EtcdMember cut").OfType<EtcdMember>().Select(m => m.Name).Order());

        cloud.Run("Remove-HaCluster cut -Force");
        Assert.Empty(cloud.StandIn.Inventory());
    }
}
