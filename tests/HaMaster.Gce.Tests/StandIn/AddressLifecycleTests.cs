using System.Net;
using System.Text.Json.Nodes;
using Xunit;

namespace HaMaster.Gce.Tests.StandIn;

/// <summary>Address RESERVED/IN_USE with users, access configs, and the kube-up sequences that move the static IP.</summary>
public sealed class AddressLifecycleTests : StandInTestBase
{
    /// <summary>The address's status and its users, space-separated.</summary>
    private async Task<(string Status, string Users)> AddressState(string name)
    {
        var a = await Get(RegionPath($"addresses/{name}"));
        Assert.Equal(200, a.Status);
        var users = a.Body["users"]?.AsArray().Select(u => u!.GetValue<string>()) ?? Array.Empty<string>();
        return (a.Str("status")!, string.Join(" ", users));
    }

    private static bool InRange(string ip, string prefix) => ip.StartsWith(prefix, StringComparison.Ordinal) && IPAddress.TryParse(ip, out _);

    [Fact]
    public async Task Static_address_follows_the_kube_up_replication_and_removal()
    {
        // kube-up: reserve <master>-ip, create the master with it.
        var ip = await CreateAddress("demo-master-ip");
        Assert.True(InRange(ip, "198.51.100."), ip);
        Assert.Equal(("RESERVED", ""), await AddressState("demo-master-ip"));
        var master = await CreateInstance("demo-master", natIp: ip);
        Assert.Equal(ip, NatIp(master));
        Assert.Equal(("IN_USE", $"{Www}projects/{Project}/zones/{Zone}/instances/demo-master"), await AddressState("demo-master-ip"));

        // Adding a replica: the master gets an ephemeral IP, the static one goes to a forwarding rule.
        await Mutate(HttpMethod.Post, ZonePath("instances/demo-master/deleteAccessConfig") + "?accessConfig=external-nat&networkInterface=nic0");
        Assert.Equal(("RESERVED", ""), await AddressState("demo-master-ip"));
        Assert.Null(NatIp((await Get(ZonePath("instances/demo-master"))).Body));
        await Mutate(HttpMethod.Post, ZonePath("instances/demo-master/addAccessConfig") + "?networkInterface=nic0",
            new JsonObject { ["name"] = "external-nat", ["type"] = "ONE_TO_ONE_NAT" });
        var ephemeral = NatIp((await Get(ZonePath("instances/demo-master"))).Body)!;
        Assert.True(InRange(ephemeral, "203.0.113."), ephemeral);
        Assert.Equal(("RESERVED", ""), await AddressState("demo-master-ip"));

        await CreatePool("demo-master", null, "demo-master");
        await CreateRule("demo-master", "demo-master", ip);
        Assert.Equal(("IN_USE", $"{Www}projects/{Project}/regions/{Region}/forwardingRules/demo-master"), await AddressState("demo-master-ip"));
        var replica = await CreateInstance("demo-master-a1b", zone: Zone);
        Assert.True(InRange(NatIp(replica)!, "203.0.113."));
        await Mutate(HttpMethod.Post, RegionPath("targetPools/demo-master/addInstance"), new JsonObject
        {
            ["instances"] = new JsonArray(new JsonObject { ["instance"] = replica["selfLink"]!.GetValue<string>() }),
        });

        // Removing the replica (2 → 1): out of the pool, deleted; then the rule goes and the static IP returns to the master.
        await Mutate(HttpMethod.Post, RegionPath("targetPools/demo-master/removeInstance"), new JsonObject
        {
            ["instances"] = new JsonArray(new JsonObject { ["instance"] = $"zones/{Zone}/instances/demo-master-a1b" }),
        });
        await Mutate(HttpMethod.Delete, ZonePath("instances/demo-master-a1b"));
        await Mutate(HttpMethod.Delete, RegionPath("forwardingRules/demo-master"));
        Assert.Equal(("RESERVED", ""), await AddressState("demo-master-ip"));
        await Mutate(HttpMethod.Post, ZonePath("instances/demo-master/deleteAccessConfig") + "?accessConfig=external-nat&networkInterface=nic0");
        await Mutate(HttpMethod.Post, ZonePath("instances/demo-master/addAccessConfig") + "?networkInterface=nic0",
            new JsonObject { ["name"] = "external-nat", ["natIP"] = ip });
        Assert.Equal(ip, NatIp((await Get(ZonePath("instances/demo-master"))).Body));
        Assert.Equal("IN_USE", (await AddressState("demo-master-ip")).Status);
        await Mutate(HttpMethod.Delete, RegionPath("targetPools/demo-master"));

        // Last replica gone: the address is released by the instance, then deleted; nothing leaks.
        await Mutate(HttpMethod.Delete, ZonePath("instances/demo-master"));
        Assert.Equal(("RESERVED", ""), await AddressState("demo-master-ip"));
        await Mutate(HttpMethod.Delete, RegionPath("addresses/demo-master-ip"));
        Assert.Empty(StandIn.Inventory());
    }

    [Fact]
    public async Task Forwarding_rule_without_an_address_gets_an_ephemeral_ip()
    {
        await CreatePool("tp");
        await CreateRule("fr", "tp");
        var rule = await Get(RegionPath("forwardingRules/fr"));
        Assert.True(InRange(rule.Str("IPAddress")!, "203.0.113."));
    }

    [Fact]
    public async Task Forwarding_rule_may_name_the_address_by_url()
    {
        var ip = await CreateAddress("a");
        await CreatePool("tp");
        await CreateRule("fr", "tp", $"regions/{Region}/addresses/a");
        Assert.Equal(ip, (await Get(RegionPath("forwardingRules/fr"))).Str("IPAddress"));
        Assert.Equal("IN_USE", (await AddressState("a")).Status);
    }

    [Fact]
    public async Task At_most_one_access_config_per_interface()
    {
        var body = InstanceBody("vm");
        body["networkInterfaces"]![0]!["accessConfigs"]!.AsArray().Add(new JsonObject { ["name"] = "second", ["type"] = "ONE_TO_ONE_NAT" });
        var insert = await Post(ZonePath("instances"), body);
        Assert.Equal(400, insert.Status);
        Assert.Equal("invalid", insert.Reason);
        Assert.Equal("Invalid value for field 'resource.networkInterfaces[0]': ''. Multiple access configs are not supported.", insert.Message);

        await CreateInstance("vm");
        var add = await Post(ZonePath("instances/vm/addAccessConfig") + "?networkInterface=nic0", new JsonObject { ["name"] = "second" });
        Assert.Equal(400, add.Status);
        Assert.Equal("At most one access config currently supported.", add.Message);
        Assert.Equal("badRequest", add.Reason);
    }

    [Fact]
    public async Task Second_add_access_config_in_flight_fails_in_its_operation()
    {
        await CreateInstance("vm", accessConfig: false);
        // Long enough that the second request surely arrives while the first is still RUNNING.
        StandIn.OperationLatency = TimeSpan.FromSeconds(2);
        var first = await Post(ZonePath("instances/vm/addAccessConfig") + "?networkInterface=nic0", new JsonObject { ["name"] = "external-nat" });
        var second = await Post(ZonePath("instances/vm/addAccessConfig") + "?networkInterface=nic0", new JsonObject { ["name"] = "external-nat" });
        Assert.Equal(200, second.Status);
        Assert.Null((await WaitDone(first.Body))["error"]);
        var failed = await WaitDone(second.Body);
        Assert.Equal(400, failed["httpErrorStatusCode"]!.GetValue<int>());
        Assert.Single((await Get(ZonePath("instances/vm"))).Body["networkInterfaces"]![0]!["accessConfigs"]!.AsArray());
    }

    [Fact]
    public async Task Nat_ip_in_use_or_not_reserved_is_400()
    {
        var ip = await CreateAddress("a");
        await CreateInstance("one", natIp: ip);
        var taken = await Post(ZonePath("instances"), InstanceBody("two", natIp: ip));
        Assert.Equal(400, taken.Status);
        Assert.Equal($"Invalid value for field 'resource.networkInterfaces[0].accessConfigs[0].natIP': '{ip}'. Specified IP address is in-use and would result in a conflict.", taken.Message);

        var unknown = await Post(ZonePath("instances"), InstanceBody("two", natIp: "192.0.2.77"));
        Assert.Equal(400, unknown.Status);
        Assert.Equal("Invalid value for field 'resource.networkInterfaces[0].accessConfigs[0]': ''. Specified external IP address not found.", unknown.Message);

        await CreateInstance("three", accessConfig: false);
        var addTaken = await Post(ZonePath("instances/three/addAccessConfig") + "?networkInterface=nic0", new JsonObject { ["natIP"] = ip });
        Assert.Equal(400, addTaken.Status);

        await CreatePool("tp");
        var rule = await Post(RegionPath("forwardingRules"), new JsonObject { ["name"] = "fr", ["IPAddress"] = ip, ["target"] = $"regions/{Region}/targetPools/tp" });
        Assert.Equal(400, rule.Status);
        Assert.Equal($"Invalid value for field 'resource.IPAddress': '{ip}'. Specified IP address is in-use and would result in a conflict.", rule.Message);
    }

    [Fact]
    public async Task Static_address_of_another_region_cannot_be_a_nat_ip()
    {
        var ip = await CreateAddress("east", region: "us-east1");
        var insert = await Post(ZonePath("instances"), InstanceBody("vm", natIp: ip));
        Assert.Equal(400, insert.Status);
        Assert.Contains("Specified external IP address not found.", insert.Message);
    }

    [Fact]
    public async Task Deleting_an_address_used_by_a_forwarding_rule_is_400_in_use()
    {
        var ip = await CreateAddress("a");
        await CreatePool("tp");
        await CreateRule("fr", "tp", ip);
        var delete = await Delete(RegionPath("addresses/a"));
        Assert.Equal(400, delete.Status);
        Assert.Equal("resourceInUseByAnotherResource", delete.Reason);
        Assert.Equal($"The address resource 'projects/{Project}/regions/{Region}/addresses/a' is already being used by 'projects/{Project}/regions/{Region}/forwardingRules/fr'", delete.Message);
    }

    [Fact]
    public async Task Deleting_an_address_attached_to_an_instance_is_refused_by_default()
    {
        var ip = await CreateAddress("a");
        await CreateInstance("vm", natIp: ip);
        var delete = await Delete(RegionPath("addresses/a"));
        Assert.Equal(400, delete.Status);
        Assert.Equal($"The address resource 'projects/{Project}/regions/{Region}/addresses/a' is already being used by 'projects/{Project}/zones/{Zone}/instances/vm'", delete.Message);
    }

    [Fact]
    public async Task Deleting_an_address_attached_to_an_instance_can_be_allowed()
    {
        StandIn.AllowDeletingAddressInUseByInstance = true;
        var ip = await CreateAddress("a");
        await CreateInstance("vm", natIp: ip);
        await Mutate(HttpMethod.Delete, RegionPath("addresses/a"));
        // The instance keeps the IP, now ephemeral: stopping releases it.
        Assert.Equal(ip, NatIp((await Get(ZonePath("instances/vm"))).Body));
        await Mutate(HttpMethod.Post, ZonePath("instances/vm/stop"));
        Assert.Null(NatIp((await Get(ZonePath("instances/vm"))).Body));
    }

    [Fact]
    public async Task Reserving_the_ip_an_instance_uses_promotes_it_to_static()
    {
        var vm = await CreateInstance("vm");
        var ephemeral = NatIp(vm)!;
        await Mutate(HttpMethod.Post, RegionPath("addresses"), new JsonObject { ["name"] = "promoted", ["address"] = ephemeral });
        var state = await AddressState("promoted");
        Assert.Equal(("IN_USE", vm["selfLink"]!.GetValue<string>()), state);
    }

    [Fact]
    public async Task Static_address_quota_is_403_quota_exceeded()
    {
        StandIn.StaticAddressQuota = 1;
        await CreateAddress("a");
        var second = await Post(RegionPath("addresses"), new JsonObject { ["name"] = "b" });
        Assert.Equal(403, second.Status);
        Assert.Equal("quotaExceeded", second.Reason);
        Assert.Equal($"Quota 'STATIC_ADDRESSES' exceeded.  Limit: 1.0 in region {Region}.", second.Message);
        await CreateAddress("b", region: "us-east1");
        var quotas = (await Get(RegionPath("").TrimEnd('/'))).Body["quotas"]!.AsArray();
        var statics = quotas.Single(q => q!["metric"]!.GetValue<string>() == "STATIC_ADDRESSES")!;
        Assert.Equal(1.0, statics["usage"]!.GetValue<double>());
    }

    [Fact]
    public async Task Delete_access_config_needs_both_parameters_and_an_existing_config()
    {
        await CreateInstance("vm");
        Assert.Equal(400, (await Post(ZonePath("instances/vm/deleteAccessConfig") + "?networkInterface=nic0")).Status);
        Assert.Equal(400, (await Post(ZonePath("instances/vm/deleteAccessConfig") + "?accessConfig=external-nat")).Status);
        Assert.Equal(400, (await Post(ZonePath("instances/vm/deleteAccessConfig") + "?accessConfig=other&networkInterface=nic0")).Status);
        Assert.Equal(400, (await Post(ZonePath("instances/vm/deleteAccessConfig") + "?accessConfig=external-nat&networkInterface=nic7")).Status);
    }
}
