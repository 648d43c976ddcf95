using System.Text.Json.Nodes;
using Xunit;

namespace HaMaster.Gce.Tests.StandIn;

/// <summary>Target pools, health checks, forwarding rules, getHealth, and 400 when deleting what is still referenced.</summary>
public sealed class LoadBalancingBehaviourTests : StandInTestBase
{
    private Task<Answer> Health(string pool, string instance) =>
        Post(RegionPath($"targetPools/{pool}/getHealth"), new JsonObject { ["instance"] = $"zones/{Zone}/instances/{instance}" });

    private static string? State(Answer a) => a.Body["healthStatus"]?[0]?["healthState"]?.GetValue<string>();

    private async Task<string[]> Members(string pool) =>
        (await Get(RegionPath($"targetPools/{pool}"))).Body["instances"]?.AsArray().Select(i => i!.GetValue<string>()).ToArray()
        ?? Array.Empty<string>();

    [Fact]
    public async Task Add_and_remove_instance_change_the_members()
    {
        await CreateInstance("a", accessConfig: false);
        await CreateInstance("b", accessConfig: false);
        await CreatePool("tp");
        var add = await Mutate(HttpMethod.Post, RegionPath("targetPools/tp/addInstance"), new JsonObject
        {
            ["instances"] = new JsonArray(
                new JsonObject { ["instance"] = $"https://www.googleapis.com/compute/v1/projects/{Project}/zones/{Zone}/instances/a" },
                new JsonObject { ["instance"] = $"projects/{Project}/zones/{Zone}/instances/b" }),
        });
        Assert.Equal("AddInstance", add["operationType"]!.GetValue<string>());
        Assert.Equal($"{Www}projects/{Project}/regions/{Region}/targetPools/tp", add["targetLink"]!.GetValue<string>());
        Assert.Equal(new[]
        {
            $"https://www.googleapis.com/compute/beta/projects/{Project}/zones/{Zone}/instances/a",
            $"https://www.googleapis.com/compute/beta/projects/{Project}/zones/{Zone}/instances/b",
        }, await Members("tp"));

        // Adding a member again changes nothing.
        await Mutate(HttpMethod.Post, RegionPath("targetPools/tp/addInstance"), new JsonObject
        {
            ["instances"] = new JsonArray(new JsonObject { ["instance"] = $"zones/{Zone}/instances/a" }),
        });
        Assert.Equal(2, (await Members("tp")).Length);

        var remove = await Mutate(HttpMethod.Post, RegionPath("targetPools/tp/removeInstance"), new JsonObject
        {
            ["instances"] = new JsonArray(new JsonObject { ["instance"] = $"zones/{Zone}/instances/a" }, new JsonObject { ["instance"] = $"zones/{Zone}/instances/b" }),
        });
        Assert.Equal("RemoveInstance", remove["operationType"]!.GetValue<string>());
        Assert.Empty(await Members("tp"));
    }

    [Fact]
    public async Task Removing_an_instance_that_is_not_a_member_is_400_and_changes_nothing()
    {
        await CreateInstance("a", accessConfig: false);
        await CreateInstance("outsider", accessConfig: false);
        await CreatePool("tp", null, "a");

        var answer = await Post(RegionPath("targetPools/tp/removeInstance"), new JsonObject
        {
            ["instances"] = new JsonArray(new JsonObject { ["instance"] = $"zones/{Zone}/instances/a" }, new JsonObject { ["instance"] = $"zones/{Zone}/instances/outsider" }),
        });

        Assert.Equal(400, answer.Status);
        Assert.Equal("invalid", answer.Reason);
        Assert.Equal($"Invalid value for field 'resource.instance': 'zones/{Zone}/instances/outsider'. Instance is not currently attached to this target pool.", answer.Message);
        Assert.Single(await Members("tp"));
    }

    [Fact]
    public async Task A_membership_change_while_another_runs_on_the_pool_is_refused_as_not_ready()
    {
        await CreateInstance("a", accessConfig: false);
        await CreateInstance("b", accessConfig: false);
        await CreatePool("tp", null, "a");
        StandIn.SetOperationLatency("targetPools.*", TimeSpan.FromSeconds(2)); // the second call surely comes while the first runs

        var add = await Post(RegionPath("targetPools/tp/addInstance"), new JsonObject
        {
            ["instances"] = new JsonArray(new JsonObject { ["instance"] = $"zones/{Zone}/instances/b" }),
        });
        var remove = await Post(RegionPath("targetPools/tp/removeInstance"), new JsonObject
        {
            ["instances"] = new JsonArray(new JsonObject { ["instance"] = $"zones/{Zone}/instances/a" }),
        });

        Assert.Equal(200, add.Status);
        Assert.Equal(400, remove.Status);
        Assert.Equal("resourceNotReady", remove.Reason);
        Assert.Equal($"The resource 'projects/{Project}/regions/{Region}/targetPools/tp' is not ready", remove.Message);
        await WaitDone(add.Body);
        await Mutate(HttpMethod.Post, RegionPath("targetPools/tp/removeInstance"), new JsonObject
        {
            ["instances"] = new JsonArray(new JsonObject { ["instance"] = $"zones/{Zone}/instances/a" }),
        });
        Assert.Equal([$"https://www.googleapis.com/compute/beta/projects/{Project}/zones/{Zone}/instances/b"], await Members("tp"));
    }

    [Fact]
    public async Task Members_must_exist_and_be_in_the_region()
    {
        await CreatePool("tp");
        var missing = await Post(RegionPath("targetPools/tp/addInstance"), new JsonObject
        {
            ["instances"] = new JsonArray(new JsonObject { ["instance"] = $"zones/{Zone}/instances/ghost" }),
        });
        Assert.Equal(404, missing.Status);
        await CreateInstance("east", accessConfig: false, zone: "us-east1-b");
        var elsewhere = await Post(RegionPath("targetPools/tp/addInstance"), new JsonObject
        {
            ["instances"] = new JsonArray(new JsonObject { ["instance"] = "zones/us-east1-b/instances/east" }),
        });
        Assert.Equal(400, elsewhere.Status);
        Assert.Equal(400, (await Post(RegionPath("targetPools/tp/addInstance"), new JsonObject())).Status);
    }

    [Fact]
    public async Task A_deleted_member_stays_listed_until_removed()
    {
        await CreateInstance("a", accessConfig: false);
        await CreatePool("tp", null, "a");
        await Mutate(HttpMethod.Delete, ZonePath("instances/a"));
        Assert.Single(await Members("tp"));
        Assert.Equal(404, (await Health("tp", "a")).Status);
        await Mutate(HttpMethod.Post, RegionPath("targetPools/tp/removeInstance"), new JsonObject
        {
            ["instances"] = new JsonArray(new JsonObject { ["instance"] = $"zones/{Zone}/instances/a" }),
        });
        Assert.Empty(await Members("tp"));
    }

    [Fact]
    public async Task Get_health_reports_the_health_set_by_the_test()
    {
        await CreateInstance("a", accessConfig: false);
        await CreateInstance("b", accessConfig: false);
        await CreateHealthCheck("hc");
        await CreatePool("tp", "hc", "a", "b");
        await CreateRule("fr", "tp");

        Assert.Equal("HEALTHY", State(await Health("tp", "a")));
        StandIn.SetHealth("a", "UNHEALTHY");
        var a = await Health("tp", "a");
        Assert.Equal(200, a.Status);
        Assert.Equal("compute#targetPoolInstanceHealth", a.Str("kind"));
        Assert.Equal("UNHEALTHY", State(a));
        Assert.Equal($"{Www}projects/{Project}/zones/{Zone}/instances/a", a.Body["healthStatus"]![0]!["instance"]!.GetValue<string>());
        Assert.Equal((await Get(RegionPath("forwardingRules/fr"))).Str("IPAddress"), a.Body["healthStatus"]![0]!["ipAddress"]!.GetValue<string>());
        Assert.Equal("HEALTHY", State(await Health("tp", "b")));

        StandIn.DefaultHealth = "UNHEALTHY";
        Assert.Equal("UNHEALTHY", State(await Health("tp", "b")));
        StandIn.SetHealth("b", "HEALTHY");
        Assert.Equal("HEALTHY", State(await Health("tp", "b")));
        // getHealth is not a mutation: the operations are those of 2 instances, the check, the pool and the rule.
        Assert.Equal(5, StandIn.MutationCount);
        Assert.Equal(5, StandIn.CountCalls("targetPools.getHealth"));
        Assert.All(StandIn.Requests.Where(r => r.Call == "targetPools.getHealth"), r => Assert.False(r.IsMutation));
    }

    [Fact]
    public async Task Get_health_of_a_non_member_is_400()
    {
        await CreateInstance("a", accessConfig: false);
        await CreateInstance("outsider", accessConfig: false);
        await CreatePool("tp", null, "a");
        var answer = await Health("tp", "outsider");
        Assert.Equal(400, answer.Status);
        Assert.Equal("invalid", answer.Reason);
        Assert.Equal(400, (await Post(RegionPath("targetPools/tp/getHealth"), new JsonObject())).Status);
    }

    [Fact]
    public async Task Pool_without_health_check_reports_members_healthy()
    {
        await CreateInstance("a", accessConfig: false);
        await CreatePool("tp", null, "a");
        await CreateRule("fr", "tp");
        StandIn.SetHealth("a", "UNHEALTHY");
        Assert.Equal("HEALTHY", State(await Health("tp", "a")));
    }

    [Fact]
    public async Task Pool_without_forwarding_rule_reports_no_health_status()
    {
        await CreateInstance("a", accessConfig: false);
        await CreateHealthCheck("hc");
        await CreatePool("tp", "hc", "a");
        var answer = await Health("tp", "a");
        Assert.Equal(200, answer.Status);
        Assert.Equal(new[] { "kind" }, answer.Body.Select(p => p.Key));
    }

    [Fact]
    public async Task Get_health_of_a_stopped_member_is_not_ready()
    {
        await CreateInstance("a", accessConfig: false);
        await CreatePool("tp", null, "a");
        await CreateRule("fr", "tp");
        StandIn.SetInstanceStatus(Project, Zone, "a", "TERMINATED");
        var answer = await Health("tp", "a");
        Assert.Equal(400, answer.Status);
        Assert.Equal("resourceNotReady", answer.Reason);
    }

    [Fact]
    public async Task Deleting_a_pool_used_by_a_forwarding_rule_is_400_in_use()
    {
        await CreatePool("tp");
        await CreateRule("fr", "tp");
        var delete = await Delete(RegionPath("targetPools/tp"));
        Assert.Equal(400, delete.Status);
        Assert.Equal("resourceInUseByAnotherResource", delete.Reason);
        Assert.Equal($"The target_pool resource 'projects/{Project}/regions/{Region}/targetPools/tp' is already being used by 'projects/{Project}/regions/{Region}/forwardingRules/fr'", delete.Message);
        await Mutate(HttpMethod.Delete, RegionPath("forwardingRules/fr"));
        await Mutate(HttpMethod.Delete, RegionPath("targetPools/tp"));
    }

    [Fact]
    public async Task Deleting_a_health_check_used_by_a_pool_is_400_in_use()
    {
        await CreateHealthCheck("hc");
        await CreatePool("tp", "hc");
        var delete = await Delete(P("global/httpHealthChecks/hc"));
        Assert.Equal(400, delete.Status);
        Assert.Equal($"The http_health_check resource 'projects/{Project}/global/httpHealthChecks/hc' is already being used by 'projects/{Project}/regions/{Region}/targetPools/tp'", delete.Message);
    }

    [Fact]
    public async Task Pool_references_must_exist()
    {
        var noCheck = await Post(RegionPath("targetPools"), new JsonObject
        {
            ["name"] = "tp",
            ["healthChecks"] = new JsonArray("global/httpHealthChecks/missing"),
        });
        Assert.Equal(404, noCheck.Status);
        var noPool = await Post(RegionPath("forwardingRules"), new JsonObject { ["name"] = "fr", ["target"] = $"regions/{Region}/targetPools/missing" });
        Assert.Equal(404, noPool.Status);
        Assert.Equal($"The resource 'projects/{Project}/regions/{Region}/targetPools/missing' was not found", noPool.Message);
        var noTarget = await Post(RegionPath("forwardingRules"), new JsonObject { ["name"] = "fr" });
        Assert.Equal(400, noTarget.Status);
    }

    [Fact]
    public async Task Health_check_keeps_its_defaults()
    {
        await Mutate(HttpMethod.Post, P("global/httpHealthChecks"), new JsonObject { ["name"] = "hc" });
        var hc = await Get(P("global/httpHealthChecks/hc"));
        Assert.Equal((80, "/", 5, 5, 2, 2), (
            hc.Body["port"]!.GetValue<int>(), hc.Str("requestPath"), hc.Body["checkIntervalSec"]!.GetValue<int>(),
            hc.Body["timeoutSec"]!.GetValue<int>(), hc.Body["healthyThreshold"]!.GetValue<int>(), hc.Body["unhealthyThreshold"]!.GetValue<int>()));
        Assert.False(hc.Body.ContainsKey("host"));
    }

    [Fact]
    public async Task Firewall_defaults_and_rules()
    {
        await Mutate(HttpMethod.Post, P("global/firewalls"), new JsonObject
        {
            ["name"] = "demo-master-etcd",
            ["allowed"] = new JsonArray(new JsonObject { ["IPProtocol"] = "tcp", ["ports"] = new JsonArray("2380", "2381") }),
            ["sourceTags"] = new JsonArray("demo-master"),
            ["targetTags"] = new JsonArray("demo-master"),
        });
        var fw = await Get(P("global/firewalls/demo-master-etcd"));
        Assert.Equal(1000, fw.Body["priority"]!.GetValue<int>());
        Assert.Equal("INGRESS", fw.Str("direction"));
        Assert.Equal($"{Www}projects/{Project}/global/networks/default", fw.Str("network"));
        Assert.Null(fw.Body["sourceRanges"]);
        Assert.Equal("", fw.Str("description"));
        var neither = await Post(P("global/firewalls"), new JsonObject { ["name"] = "x" });
        Assert.Equal(400, neither.Status);
        var list = await Get(P("global/firewalls"));
        Assert.Equal("compute#firewallList", list.Str("kind"));
        Assert.Single(list.Body["items"]!.AsArray());
    }
}
