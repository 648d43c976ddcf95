using HaMaster.Engine.Errors;
using HaMaster.Engine.Model;
using Xunit;

namespace HaMaster.Gce.Tests.GceProviderTests;

/// <summary>The cluster address and firewalls: made once, reused, released without leaving anything.</summary>
public sealed class GceProviderAddressTests : GceProviderTestBase
{
    [Fact]
    public async Task Reserve_makes_the_static_address_and_the_four_firewalls_and_records_the_location()
    {
        var state = await NewClusterAsync();

        var address = Resource($"regions/{Region}/addresses/demo-master-ip")!;
        Assert.Equal(state.Address, (string?)address["address"]);
        Assert.Equal("RESERVED", (string?)address["status"]);

        var https = Resource("global/firewalls/demo-master-https")!;
        Assert.Equal("443", (string?)https["allowed"]![0]!["ports"]![0]);
        Assert.Equal("0.0.0.0/0", (string?)https["sourceRanges"]![0]);
        Assert.Equal("demo-master", (string?)https["targetTags"]![0]);
        var etcd = Resource("global/firewalls/demo-master-etcd")!;
        Assert.Equal("2379-2380", (string?)etcd["allowed"]![0]!["ports"]![0]);
        Assert.Equal("demo-master", (string?)etcd["sourceTags"]![0]);
        Assert.Equal("demo-master", (string?)etcd["targetTags"]![0]);
        Assert.Equal("22", (string?)Resource("global/firewalls/demo-master-ssh")!["allowed"]![0]!["ports"]![0]);
        var health = Resource("global/firewalls/demo-master-health")!;
        Assert.Equal("8080", (string?)health["allowed"]![0]!["ports"]![0]);
        Assert.Equal(["35.191.0.0/16", "209.85.152.0/22", "209.85.204.0/22"], health["sourceRanges"]!.AsArray().Select(r => (string)r!).ToArray());

        Assert.Equal(Project, state.ProviderData[GceClusterSettings.ProjectKey]);
        Assert.Equal(Region, state.ProviderData[GceClusterSettings.RegionKey]);
        Assert.Equal("10.128.0.0/20", state.ProviderData[GceClusterSettings.SubnetRangeKey]);
        Assert.Equal("Internal", state.ProviderData[GceClusterSettings.AccessKey]);
        Assert.Equal(5, StandIn.Inventory().Count);
    }

    [Fact]
    public async Task Reserve_again_reuses_everything_and_changes_nothing()
    {
        var first = await NewClusterAsync();
        var mutations = StandIn.MutationCount;

        var again = await NewClusterAsync();

        Assert.Equal(first.Address, again.Address);
        Assert.Equal(mutations, StandIn.MutationCount);
    }

    [Fact]
    public async Task Reserve_survives_a_rate_limit_storm()
    {
        StandIn.RateLimitNext(20);

        var state = await NewClusterAsync();

        Assert.NotNull(Resource($"regions/{Region}/addresses/demo-master-ip"));
        Assert.Equal(5, StandIn.Inventory().Count);
        Assert.False(string.IsNullOrEmpty(state.Address));
    }

    [Fact]
    public async Task A_failed_reserve_removes_what_it_made_and_says_what_failed()
    {
        StandIn.FailNextOperation("firewalls.insert", targetName: "demo-master-etcd");

        var error = await Assert.ThrowsAsync<HaException>(NewClusterAsync);

        Assert.Contains("QUOTA_EXCEEDED", error.Message);
        Assert.Empty(StandIn.Inventory());
    }

    [Fact]
    public async Task Release_of_a_one_replica_cluster_takes_the_address_off_the_master_and_leaves_nothing()
    {
        var state = await NewClusterAsync();
        await AddReplicaAsync(state, "demo-master", ZoneA);
        await Provider.ReconcileFrontendAsync(state, "unused-ca.crt", CancellationToken.None);

        await TearDownAsync(state);

        Assert.Empty(StandIn.Inventory());
    }

    [Fact]
    public async Task Release_of_a_load_balanced_cluster_leaves_nothing_and_can_run_again()
    {
        var state = await NewClusterAsync();
        await AddReplicaAsync(state, "demo-master", ZoneA);
        await AddReplicaAsync(state, "demo-master-a1b", ZoneB);
        await AddReplicaAsync(state, "demo-master-c2d", ZoneA);
        await Provider.ReconcileFrontendAsync(state, "unused-ca.crt", CancellationToken.None);
        Assert.NotNull(Resource($"regions/{Region}/forwardingRules/demo-master"));

        await TearDownAsync(state);
        Assert.Empty(StandIn.Inventory());

        var mutations = StandIn.MutationCount;
        await TearDownAsync(state);
        Assert.Equal(mutations, StandIn.MutationCount);
    }

    [Fact]
    public async Task Replica_addresses_count_down_from_the_top_of_the_subnet_skipping_taken_ones()
    {
        var state = await NewClusterAsync();
        Assert.Equal("10.128.15.253", Provider.AllocateReplicaAddress(state));
        state.Replicas.Add(new ReplicaRecord { Name = "demo-master", Zone = ZoneA, InternalAddress = "10.128.15.253" });
        Assert.Equal("10.128.15.252", Provider.AllocateReplicaAddress(state));
        state.ProviderData[GceClusterSettings.SubnetRangeKey] = "127.0.10.0/29";
        state.Replicas.Add(new ReplicaRecord { Name = "demo-master-a1b", Zone = ZoneA, InternalAddress = "127.0.10.5" });
        Assert.Equal("127.0.10.4", Provider.AllocateReplicaAddress(state));
    }

    [Fact]
    public async Task Zones_are_the_cluster_zones_region_or_every_zone_of_the_project()
    {
        StandIn.DefineRegion("europe-west9", "europe-west9-a", "europe-west9-b");

        Assert.Equal(["europe-west9-a", "europe-west9-b"], await Provider.ZonesAsync(Project, "europe-west9-b", CancellationToken.None));
        var all = await Provider.ZonesAsync(Project, null, CancellationToken.None);
        Assert.Contains("europe-west9-a", all);
        Assert.Contains(ZoneA, all);
    }
}
