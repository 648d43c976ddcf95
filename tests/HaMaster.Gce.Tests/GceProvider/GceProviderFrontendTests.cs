using HaMaster.Engine.Errors;
using HaMaster.Engine.Model;
using Xunit;

namespace HaMaster.Gce.Tests.GceProviderTests;

/// <summary>The cluster address between the only master and the load balancer, draining, and the load balancer view.</summary>
public sealed class GceProviderFrontendTests : GceProviderTestBase
{
    [Fact]
    public async Task Two_active_replicas_get_the_load_balancer_and_one_gets_the_address_back()
    {
        var state = await NewClusterAsync();
        var first = await AddReplicaAsync(state, "demo-master", ZoneA);
        var second = await AddReplicaAsync(state, "demo-master-a1b", ZoneB);
        await AddReplicaAsync(state, "demo-master-c2d", ZoneA, ReplicaPhase.Joining);

        await Provider.ReconcileFrontendAsync(state, "unused-ca.crt", CancellationToken.None);

        Assert.Equal(state.Address, (string?)Resource($"regions/{Region}/forwardingRules/demo-master")!["IPAddress"]);
        var members = Resource($"regions/{Region}/targetPools/demo-master")!["instances"]!.AsArray().Select(i => (string?)i).ToList();
        Assert.Equal(2, members.Count);
        Assert.DoesNotContain(members, m => m!.EndsWith("/demo-master-c2d"));
        Assert.NotEqual(state.Address, NatIP(Instance(first)));
        var mutations = StandIn.MutationCount;
        await Provider.ReconcileFrontendAsync(state, "unused-ca.crt", CancellationToken.None);
        Assert.Equal(mutations, StandIn.MutationCount);

        state.Replicas.RemoveAll(r => r.Name != second.Name);
        await Provider.ReconcileFrontendAsync(state, "unused-ca.crt", CancellationToken.None);

        Assert.Null(Resource($"regions/{Region}/forwardingRules/demo-master"));
        Assert.Null(Resource($"regions/{Region}/targetPools/demo-master"));
        Assert.Null(Resource("global/httpHealthChecks/demo-master"));
        Assert.Equal(state.Address, NatIP(Instance(second)));
    }

    [Fact]
    public async Task After_an_interrupted_run_the_pool_loses_and_gains_members_one_change_at_a_time()
    {
        var state = await NewClusterAsync();
        await AddReplicaAsync(state, "demo-master", ZoneA);
        var leaving = await AddReplicaAsync(state, "demo-master-a1b", ZoneB);
        await Provider.ReconcileFrontendAsync(state, "unused-ca.crt", CancellationToken.None);
        // The state moved on without the pool: one replica is being removed, another became active.
        leaving.Phase = ReplicaPhase.Removing;
        await AddReplicaAsync(state, "demo-master-c2d", ZoneA);
        // Long enough for two changes sent together to overlap (the stand-in refuses the second as Compute Engine does).
        StandIn.SetOperationLatency("targetPools.*", TimeSpan.FromMilliseconds(300));
        StandIn.ClearRequestLog();

        await Provider.ReconcileFrontendAsync(state, "unused-ca.crt", CancellationToken.None);

        var members = Resource($"regions/{Region}/targetPools/demo-master")!["instances"]!.AsArray().Select(i => (string)i!).Order().ToList();
        Assert.Equal(2, members.Count);
        Assert.EndsWith("/instances/demo-master", members[0]);
        Assert.EndsWith("/instances/demo-master-c2d", members[1]);
        var changes = StandIn.Requests.Where(r => r.Call is "targetPools.addInstance" or "targetPools.removeInstance").ToList();
        Assert.Equal(["targetPools.removeInstance", "targetPools.addInstance"], changes.Select(c => c.Call));
        Assert.All(changes, c => Assert.Equal(200, c.StatusCode));
    }

    [Fact]
    public async Task No_active_replica_changes_nothing()
    {
        var state = await NewClusterAsync();
        await AddReplicaAsync(state, "demo-master", ZoneA, ReplicaPhase.Joining);
        var mutations = StandIn.MutationCount;

        await Provider.ReconcileFrontendAsync(state, "unused-ca.crt", CancellationToken.None);

        Assert.Equal(mutations, StandIn.MutationCount);
    }

    [Fact]
    public async Task Drain_takes_the_replica_out_of_the_pool_once()
    {
        var state = await NewClusterAsync();
        await AddReplicaAsync(state, "demo-master", ZoneA);
        var second = await AddReplicaAsync(state, "demo-master-a1b", ZoneB);
        await Provider.ReconcileFrontendAsync(state, "unused-ca.crt", CancellationToken.None);

        await Provider.DrainAsync(state, second, CancellationToken.None);

        var members = Resource($"regions/{Region}/targetPools/demo-master")!["instances"]!.AsArray().Select(i => (string?)i).ToList();
        Assert.Single(members);
        Assert.EndsWith("/instances/demo-master", members[0]);
        var mutations = StandIn.MutationCount;
        await Provider.DrainAsync(state, second, CancellationToken.None);
        Assert.Equal(mutations, StandIn.MutationCount);
        var view = await Provider.InspectLoadBalancerAsync(state, CancellationToken.None);
        Assert.Equal("Down", view!.Backends.Single(b => b.Replica == second.Name).State);
    }

    [Fact]
    public async Task Drain_without_a_pool_does_nothing()
    {
        var state = await NewClusterAsync();
        var first = await AddReplicaAsync(state, "demo-master", ZoneA);
        var mutations = StandIn.MutationCount;

        await Provider.DrainAsync(state, first, CancellationToken.None);

        Assert.Equal(mutations, StandIn.MutationCount);
    }

    [Fact]
    public async Task The_load_balancer_view_reads_the_health_of_each_backend()
    {
        var state = await NewClusterAsync();
        var first = await AddReplicaAsync(state, "demo-master", ZoneA);
        Assert.Null(await Provider.InspectLoadBalancerAsync(state, CancellationToken.None));
        var second = await AddReplicaAsync(state, "demo-master-a1b", ZoneB);
        await Provider.ReconcileFrontendAsync(state, "unused-ca.crt", CancellationToken.None);
        StandIn.SetHealth(second.Name, "UNHEALTHY");

        var view = (await Provider.InspectLoadBalancerAsync(state, CancellationToken.None))!;

        Assert.Equal("demo-master", view.Name);
        Assert.Equal(Cluster, view.Cluster);
        Assert.Equal(state.Address, view.Address);
        Assert.Equal("Running", view.Status);
        Assert.Equal("Up", view.Backends.Single(b => b.Replica == first.Name).State);
        Assert.Equal("Down", view.Backends.Single(b => b.Replica == second.Name).State);
        Assert.Equal(second.InternalAddress, view.Backends.Single(b => b.Replica == second.Name).Address);

        StandIn.SetHealth(second.Name, "HEALTHY");
        StandIn.SetInstanceStatus(Project, ZoneA, first.Name, "TERMINATED");
        view = (await Provider.InspectLoadBalancerAsync(state, CancellationToken.None))!;
        Assert.Equal("Down", view.Backends.Single(b => b.Replica == first.Name).State);
        Assert.Equal("Up", view.Backends.Single(b => b.Replica == second.Name).State);
    }

    [Fact]
    public async Task A_failed_forwarding_rule_is_reported_clearly_and_the_next_reconcile_finishes_with_nothing_leaked()
    {
        var state = await NewClusterAsync();
        await AddReplicaAsync(state, "demo-master", ZoneA);
        await AddReplicaAsync(state, "demo-master-a1b", ZoneB);
        StandIn.FailNextOperation("forwardingRules.insert");

        var error = await Assert.ThrowsAsync<HaException>(() => Provider.ReconcileFrontendAsync(state, "unused-ca.crt", CancellationToken.None));

        Assert.Equal(ErrorIds.CloudApiFailed, error.ErrorId);
        Assert.Contains("load balancer", error.Message);
        Assert.Contains("QUOTA_EXCEEDED", error.Message);
        Assert.Null(Resource($"regions/{Region}/forwardingRules/demo-master"));

        await Provider.ReconcileFrontendAsync(state, "unused-ca.crt", CancellationToken.None);

        Assert.Equal(state.Address, (string?)Resource($"regions/{Region}/forwardingRules/demo-master")!["IPAddress"]);
        Assert.Equal(2, Resource($"regions/{Region}/targetPools/demo-master")!["instances"]!.AsArray().Count);
        await TearDownAsync(state);
        Assert.Empty(StandIn.Inventory());
    }
}
