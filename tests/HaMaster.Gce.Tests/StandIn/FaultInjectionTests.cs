using System.Text.Json.Nodes;
using HaMaster.TestSupport;
using Xunit;

namespace HaMaster.Gce.Tests.StandIn;

/// <summary>Rate limiting, operation failure, request failure, the inventory, and concurrent use.</summary>
public sealed class FaultInjectionTests : StandInTestBase
{
    [Fact]
    public async Task Rate_limit_answers_403_rate_limit_exceeded_for_the_next_requests()
    {
        StandIn.RateLimitNext(2);
        var first = await Get(RegionPath("addresses"));
        var second = await Post(RegionPath("addresses"), new JsonObject { ["name"] = "a" });
        var third = await Get(RegionPath("addresses"));

        Assert.Equal((403, 403, 200), (first.Status, second.Status, third.Status));
        Assert.Equal("rateLimitExceeded", first.Reason);
        Assert.Equal("usageLimits", first.Error["errors"]![0]!["domain"]!.GetValue<string>());
        Assert.Equal("Rate Limit Exceeded", first.Message);
        Assert.Equal(403, first.Error["code"]!.GetValue<int>());
        Assert.Equal(0, StandIn.MutationCount);
        Assert.Equal(404, (await Get(RegionPath("addresses/a"))).Status);
    }

    [Fact]
    public async Task Rate_limit_can_answer_429_or_503_and_target_one_call()
    {
        StandIn.RateLimitNext(1, 429, match: "instances.insert");
        Assert.Equal(200, (await Get(RegionPath("addresses"))).Status);
        var limited = await Post(ZonePath("instances"), InstanceBody("vm"));
        Assert.Equal(429, limited.Status);
        Assert.Equal("RESOURCE_EXHAUSTED", limited.Error["status"]!.GetValue<string>());
        Assert.Equal("rateLimitExceeded", limited.Reason);
        await Mutate(HttpMethod.Post, ZonePath("instances"), InstanceBody("vm"));

        StandIn.RateLimitNext(1, 503, match: "*Operations.wait");
        var op = await Post(RegionPath("addresses"), new JsonObject { ["name"] = "a" });
        var unavailable = await Post(OperationPath(op.Body) + "/wait");
        Assert.Equal(503, unavailable.Status);
        Assert.Equal("backendError", unavailable.Reason);
        Assert.Equal("DONE", (await WaitDone(op.Body))["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Retrying_a_rate_limited_mutation_with_its_request_id_creates_it_once()
    {
        StandIn.RateLimitNext(1, match: "addresses.insert");
        var path = RegionPath("addresses") + "?requestId=" + Guid.NewGuid();
        Assert.Equal(403, (await Post(path, new JsonObject { ["name"] = "a" })).Status);
        var retry = await Post(path, new JsonObject { ["name"] = "a" });
        var again = await Post(path, new JsonObject { ["name"] = "a" });
        Assert.Equal(retry.Str("name"), again.Str("name"));
        await WaitDone(retry.Body);
        Assert.Equal(1, StandIn.MutationCount);
    }

    [Fact]
    public async Task Failed_operation_reports_the_error_and_creates_nothing()
    {
        var ip = await CreateAddress("demo-master-ip");
        await CreatePool("tp");
        StandIn.FailNextOperation("forwardingRules.insert", "QUOTA_EXCEEDED", "Quota 'FORWARDING_RULES' exceeded.  Limit: 15.0 globally.", 403);

        var answer = await Post(RegionPath("forwardingRules"), new JsonObject { ["name"] = "fr", ["IPAddress"] = ip, ["target"] = $"regions/{Region}/targetPools/tp" });
        Assert.Equal(200, answer.Status);
        Assert.Equal("RUNNING", answer.Str("status"));
        var done = await WaitDone(answer.Body);
        Assert.Equal("DONE", done["status"]!.GetValue<string>());
        var error = done["error"]!["errors"]![0]!;
        Assert.Equal("QUOTA_EXCEEDED", error["code"]!.GetValue<string>());
        Assert.Equal("Quota 'FORWARDING_RULES' exceeded.  Limit: 15.0 globally.", error["message"]!.GetValue<string>());
        Assert.Equal(403, done["httpErrorStatusCode"]!.GetValue<int>());
        Assert.Equal("FORBIDDEN", done["httpErrorMessage"]!.GetValue<string>());

        Assert.Equal(404, (await Get(RegionPath("forwardingRules/fr"))).Status);
        Assert.Equal("RESERVED", (await Get(RegionPath("addresses/demo-master-ip"))).Str("status"));
        Assert.Equal("QUOTA_EXCEEDED", StandIn.Operations.Single(o => o.Call == "forwardingRules.insert").ErrorCode);

        // Only the next one fails: the name is free again and a retry succeeds.
        await CreateRule("fr", "tp", ip);
        Assert.Equal("IN_USE", (await Get(RegionPath("addresses/demo-master-ip"))).Str("status"));
    }

    [Fact]
    public async Task Failed_delete_leaves_the_resource_and_failed_stop_restores_the_status()
    {
        await CreateInstance("vm");
        StandIn.FailNextOperation("instances.delete", "RESOURCE_NOT_READY", httpErrorStatusCode: 400);
        var delete = await WaitDone((await Delete(ZonePath("instances/vm"))).Body);
        Assert.Equal("BAD REQUEST", delete["httpErrorMessage"]!.GetValue<string>());
        Assert.Equal("RUNNING", (await Get(ZonePath("instances/vm"))).Str("status"));

        StandIn.FailNextOperation("instances.stop", "RESOURCE_NOT_READY", httpErrorStatusCode: 400);
        await WaitDone((await Post(ZonePath("instances/vm/stop"))).Body);
        Assert.Equal("RUNNING", (await Get(ZonePath("instances/vm"))).Str("status"));
        await Mutate(HttpMethod.Delete, ZonePath("instances/vm"));
        Assert.Empty(StandIn.Inventory());
    }

    [Fact]
    public async Task Operation_failure_can_target_one_resource()
    {
        StandIn.FailNextOperation("instances.insert", "ZONE_RESOURCE_POOL_EXHAUSTED", "The zone does not have enough resources.", 503, targetName: "b");
        await CreateInstance("a");
        var b = await WaitDone((await Post(ZonePath("instances"), InstanceBody("b"))).Body);
        Assert.Equal("ZONE_RESOURCE_POOL_EXHAUSTED", b["error"]!["errors"]![0]!["code"]!.GetValue<string>());
        Assert.Equal("SERVICE UNAVAILABLE", b["httpErrorMessage"]!.GetValue<string>());
        Assert.Equal(new[] { $"projects/{Project}/zones/{Zone}/instances/a" }, StandIn.Inventory());
    }

    [Fact]
    public async Task Request_failure_can_be_injected()
    {
        StandIn.FailNextRequest("instances.get", 500, "backendError", "Internal error. Please try again.");
        var answer = await Get(ZonePath("instances/vm"));
        Assert.Equal(500, answer.Status);
        Assert.Equal("backendError", answer.Reason);
        Assert.Equal(404, (await Get(ZonePath("instances/vm"))).Status);
    }

    [Fact]
    public async Task Access_token_can_be_required()
    {
        StandIn.RequiredAccessToken = "secret";
        var refused = await Get(RegionPath("addresses"));
        Assert.Equal(401, refused.Status);
        Assert.Equal(("required", "Authorization"), (refused.Reason, refused.Error["errors"]![0]!["location"]!.GetValue<string>()));
        StandIn.RequiredAccessToken = "fake"; // the harness sends "Bearer fake"
        Assert.Equal(200, (await Get(RegionPath("addresses"))).Status);
    }

    [Fact]
    public async Task Inventory_lists_every_live_resource()
    {
        var ip = await CreateAddress("demo-master-ip");
        await CreateInstance("demo-master", natIp: ip);
        await Mutate(HttpMethod.Post, P("global/firewalls"), new JsonObject
        {
            ["name"] = "demo-master-https",
            ["allowed"] = new JsonArray(new JsonObject { ["IPProtocol"] = "tcp", ["ports"] = new JsonArray("443") }),
        });
        await CreateHealthCheck("demo-master");
        await CreatePool("demo-master", "demo-master", "demo-master");
        await CreateRule("demo-master", "demo-master");

        Assert.Equal(new[]
        {
            $"projects/{Project}/global/firewalls/demo-master-https",
            $"projects/{Project}/global/httpHealthChecks/demo-master",
            $"projects/{Project}/regions/{Region}/addresses/demo-master-ip",
            $"projects/{Project}/regions/{Region}/forwardingRules/demo-master",
            $"projects/{Project}/regions/{Region}/targetPools/demo-master",
            $"projects/{Project}/zones/{Zone}/instances/demo-master",
        }, StandIn.Inventory());
        var instance = StandIn.GetResource($"projects/{Project}/zones/{Zone}/instances/demo-master")!;
        Assert.Equal(ip, NatIp(instance));
        Assert.Null(StandIn.GetResource($"projects/{Project}/zones/{Zone}/instances/nothing"));

        await Mutate(HttpMethod.Delete, RegionPath("forwardingRules/demo-master"));
        await Mutate(HttpMethod.Delete, RegionPath("targetPools/demo-master"));
        await Mutate(HttpMethod.Delete, P("global/httpHealthChecks/demo-master"));
        await Mutate(HttpMethod.Delete, P("global/firewalls/demo-master-https"));
        await Mutate(HttpMethod.Delete, ZonePath("instances/demo-master"));
        await Mutate(HttpMethod.Delete, RegionPath("addresses/demo-master-ip"));
        Assert.Empty(StandIn.Inventory());
    }

    [Fact]
    public async Task Inventory_completes_due_operations_without_a_request()
    {
        // Long enough that the first look is surely before DONE, even on a loaded machine.
        StandIn.OperationLatency = TimeSpan.FromSeconds(2);
        await Post(P("global/httpHealthChecks"), new JsonObject { ["name"] = "hc" });
        Assert.Empty(StandIn.Inventory());
        Assert.Equal(1, StandIn.PendingOperationCount);
        await Eventually.HoldsAsync("the health check in the inventory", () => StandIn.Inventory().Count == 1, Deadline);
    }

    [Fact]
    public async Task Concurrent_requests_are_safe()
    {
        StandIn.OperationLatency = TimeSpan.FromMilliseconds(50);
        var names = Enumerable.Range(0, 24).Select(i => $"fw-{i}").ToArray();
        var answers = await Task.WhenAll(names.Select(n => Post(P("global/firewalls"), new JsonObject
        {
            ["name"] = n,
            ["allowed"] = new JsonArray(new JsonObject { ["IPProtocol"] = "tcp" }),
        })));
        Assert.All(answers, a => Assert.Equal(200, a.Status));
        await Task.WhenAll(answers.Select(a => WaitDone(a.Body)));
        var both = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Post(RegionPath("addresses"), new JsonObject { ["name"] = "same" })));
        Assert.Equal(1, both.Count(a => a.Status == 200));
        Assert.Equal(7, both.Count(a => a.Status == 409));
        Assert.Equal(24, (await Get(P("global/firewalls"))).Body["items"]!.AsArray().Count);
        Assert.Equal(25, StandIn.MutationCount);
    }
}
