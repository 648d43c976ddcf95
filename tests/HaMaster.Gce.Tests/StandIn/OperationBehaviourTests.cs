using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using HaMaster.TestSupport;
using Xunit;

namespace HaMaster.Gce.Tests.StandIn;

/// <summary>Asynchronous operations, wait, requestId, 404/409 and the request log.</summary>
public sealed class OperationBehaviourTests : StandInTestBase
{
    [Fact]
    public async Task Mutation_answers_running_then_the_resource_appears_when_done()
    {
        StandIn.OperationLatency = TimeSpan.FromSeconds(30);
        var answer = await Post(RegionPath("addresses"), new JsonObject { ["name"] = "master-ip" });

        Assert.Equal(200, answer.Status);
        Assert.Equal("compute#operation", answer.Str("kind"));
        Assert.Equal("RUNNING", answer.Str("status"));
        Assert.Equal(0, answer.Body["progress"]!.GetValue<int>());
        Assert.Equal("insert", answer.Str("operationType"));
        Assert.Matches(new Regex("^operation-[0-9]{13}-[0-9a-f]{13}-[0-9a-f]{8}-[0-9a-f]{8}$"), answer.Str("name"));
        Assert.Equal($"{Www}projects/{Project}/regions/{Region}/addresses/master-ip", answer.Str("targetLink"));
        Assert.Equal($"{Www}projects/{Project}/regions/{Region}/operations/{answer.Str("name")}", answer.Str("selfLink"));
        Assert.Equal($"{Www}projects/{Project}/regions/{Region}", answer.Str("region"));
        Assert.Matches("^[0-9]+$", answer.Str("id"));
        Assert.Matches("^[0-9]+$", answer.Str("targetId"));
        Assert.Null(answer.Body["endTime"]);

        // Until DONE the address is not there, and a second insert of the name is a conflict.
        Assert.Equal(404, (await Get(RegionPath("addresses/master-ip"))).Status);
        var polled = await Get(OperationPath(answer.Body));
        Assert.Equal("RUNNING", polled.Str("status"));
        Assert.Equal(409, (await Post(RegionPath("addresses"), new JsonObject { ["name"] = "master-ip" })).Status);
        Assert.Equal(1, StandIn.PendingOperationCount);
    }

    [Fact]
    public async Task Operation_becomes_done_after_the_latency()
    {
        StandIn.OperationLatency = TimeSpan.FromMilliseconds(200);
        var clock = Stopwatch.StartNew();
        var answer = await Post(RegionPath("addresses"), new JsonObject { ["name"] = "master-ip" });
        var done = await WaitDone(answer.Body);
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(190), $"DONE after {clock.Elapsed}");
        Assert.Equal(100, done["progress"]!.GetValue<int>());
        Assert.NotNull(done["endTime"]);
        Assert.Null(done["error"]);
        Assert.Equal(answer.Str("name"), done["name"]!.GetValue<string>());
        Assert.Equal(200, (await Get(RegionPath("addresses/master-ip"))).Status);
        Assert.Equal(0, StandIn.PendingOperationCount);
    }

    [Fact]
    public async Task Polling_with_get_sees_running_then_done()
    {
        StandIn.OperationLatency = TimeSpan.FromMilliseconds(150);
        var answer = await Post(P("global/httpHealthChecks"), new JsonObject { ["name"] = "hc" });
        var path = OperationPath(answer.Body);
        Assert.Equal($"projects/{Project}/global/operations/{answer.Str("name")}", path);
        await Eventually.HoldsAsync("the global operation DONE by polling", async () => (await Get(path)).Str("status") == "DONE", Deadline);
        Assert.Equal(200, (await Get(P("global/httpHealthChecks/hc"))).Status);
    }

    [Fact]
    public async Task Wait_returns_running_at_its_cap()
    {
        StandIn.OperationLatency = TimeSpan.FromSeconds(30);
        StandIn.WaitCap = TimeSpan.FromMilliseconds(200);
        var answer = await Post(ZonePath("instances"), InstanceBody("master"));
        var clock = Stopwatch.StartNew();
        var waited = await Post(OperationPath(answer.Body) + "/wait");
        Assert.Equal(200, waited.Status);
        Assert.Equal("RUNNING", waited.Str("status"));
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(190), $"wait answered after {clock.Elapsed}");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"wait answered after {clock.Elapsed}");
        Assert.Equal(1, StandIn.WaitCount);
    }

    [Fact]
    public async Task Wait_returns_as_soon_as_the_operation_is_done()
    {
        StandIn.OperationLatency = TimeSpan.FromMilliseconds(100);
        StandIn.WaitCap = TimeSpan.FromSeconds(15);
        var answer = await Post(ZonePath("instances"), InstanceBody("master"));
        var clock = Stopwatch.StartNew();
        var waited = await Post(OperationPath(answer.Body) + "/wait");
        Assert.Equal("DONE", waited.Str("status"));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"wait answered after {clock.Elapsed}");
        Assert.Equal($"{Www}projects/{Project}/zones/{Zone}", waited.Str("zone"));
    }

    [Fact]
    public async Task Unknown_operation_is_404_for_get_and_wait()
    {
        foreach (var scope in new[] { $"zones/{Zone}", $"regions/{Region}", "global" })
        {
            var get = await Get(P($"{scope}/operations/operation-123"));
            Assert.Equal(404, get.Status);
            Assert.Equal($"The resource 'projects/{Project}/{scope}/operations/operation-123' was not found", get.Message);
            var wait = await Post(P($"{scope}/operations/operation-123/wait"));
            Assert.Equal(404, wait.Status);
            Assert.Equal("notFound", wait.Reason);
        }
    }

    [Fact]
    public async Task Operation_is_found_only_in_its_own_scope()
    {
        var answer = await Post(RegionPath("addresses"), new JsonObject { ["name"] = "a" });
        Assert.Equal(404, (await Get(ZonePath($"operations/{answer.Str("name")}"))).Status);
        Assert.Equal(404, (await Get(P($"global/operations/{answer.Str("name")}"))).Status);
    }

    [Fact]
    public async Task Repeated_request_id_returns_the_same_operation()
    {
        StandIn.OperationLatency = TimeSpan.FromMilliseconds(200);
        var requestId = Guid.NewGuid().ToString();
        var path = ZonePath("instances") + "?requestId=" + requestId;
        var first = await Post(path, InstanceBody("master"));
        var second = await Post(path, InstanceBody("master"));
        Assert.Equal(200, second.Status);
        Assert.Equal(first.Str("name"), second.Str("name"));
        await WaitDone(first.Body);

        // Even once the instance exists, the retry is not a conflict: it gets the (now DONE) operation.
        var third = await Post(path, InstanceBody("master"));
        Assert.Equal(200, third.Status);
        Assert.Equal(first.Str("name"), third.Str("name"));
        Assert.Equal("DONE", third.Str("status"));
        Assert.Equal(1, StandIn.MutationCount);
        Assert.Equal(3, StandIn.CountCalls("instances.insert"));
        Assert.All(StandIn.Requests.Where(r => r.Call == "instances.insert"), r =>
        {
            Assert.Equal(requestId, r.RequestId);
            Assert.Equal(first.Str("name"), r.Operation);
        });

        // Another requestId is a new request: 409.
        var other = await Post(ZonePath("instances") + "?requestId=" + Guid.NewGuid(), InstanceBody("master"));
        Assert.Equal(409, other.Status);
    }

    [Fact]
    public async Task Request_id_must_be_a_non_zero_uuid()
    {
        var zero = await Post(RegionPath("addresses") + "?requestId=00000000-0000-0000-0000-000000000000", new JsonObject { ["name"] = "a" });
        Assert.Equal(400, zero.Status);
        Assert.Equal("invalid", zero.Reason);
        var junk = await Post(RegionPath("addresses") + "?requestId=abc", new JsonObject { ["name"] = "a" });
        Assert.Equal(400, junk.Status);
        Assert.Equal(0, StandIn.MutationCount);
    }

    [Fact]
    public async Task Inserting_an_existing_name_is_409_already_exists()
    {
        await CreateAddress("master-ip");
        var again = await Post(RegionPath("addresses"), new JsonObject { ["name"] = "master-ip" });
        Assert.Equal(409, again.Status);
        Assert.Equal("alreadyExists", again.Reason);
        Assert.Equal($"The resource 'projects/{Project}/regions/{Region}/addresses/master-ip' already exists", again.Message);
        Assert.Equal("global", again.Error["errors"]![0]!["domain"]!.GetValue<string>());
    }

    [Fact]
    public async Task Get_and_delete_of_a_missing_resource_are_404()
    {
        foreach (var path in new[]
        {
            RegionPath("addresses/x"), ZonePath("instances/x"), P("global/firewalls/x"), P("global/httpHealthChecks/x"),
            RegionPath("targetPools/x"), RegionPath("forwardingRules/x"),
        })
        {
            var get = await Get(path);
            Assert.Equal(404, get.Status);
            Assert.Equal($"The resource '{path}' was not found", get.Message);
            Assert.Equal(404, (await Delete(path)).Status);
        }
    }

    [Fact]
    public async Task Deleting_twice_while_the_first_delete_runs_is_not_ready()
    {
        await CreateAddress("a");
        StandIn.OperationLatency = TimeSpan.FromSeconds(30);
        var first = await Delete(RegionPath("addresses/a"));
        Assert.Equal(200, first.Status);
        var second = await Delete(RegionPath("addresses/a"));
        Assert.Equal(400, second.Status);
        Assert.Equal("resourceNotReady", second.Reason);
        Assert.Equal($"The resource 'projects/{Project}/regions/{Region}/addresses/a' is not ready", second.Message);
        // Still readable until the delete is DONE.
        Assert.Equal(200, (await Get(RegionPath("addresses/a"))).Status);
    }

    [Fact]
    public async Task Resources_can_be_read_by_numeric_id()
    {
        await CreateAddress("a");
        var byName = await Get(RegionPath("addresses/a"));
        var byId = await Get(RegionPath($"addresses/{byName.Str("id")}"));
        Assert.Equal(200, byId.Status);
        Assert.Equal("a", byId.Str("name"));
    }

    [Fact]
    public async Task Operation_latency_can_be_set_per_call()
    {
        StandIn.OperationLatency = TimeSpan.FromMilliseconds(10);
        StandIn.SetOperationLatency("forwardingRules.insert", TimeSpan.FromSeconds(30));
        StandIn.WaitCap = TimeSpan.FromMilliseconds(100);
        await CreatePool("tp");
        var rule = await Post(RegionPath("forwardingRules"), new JsonObject { ["name"] = "fr", ["target"] = $"regions/{Region}/targetPools/tp" });
        var waited = await Post(OperationPath(rule.Body) + "/wait");
        Assert.Equal("RUNNING", waited.Str("status"));
    }

    [Fact]
    public async Task Request_latency_delays_every_answer()
    {
        StandIn.RequestLatency = TimeSpan.FromMilliseconds(250);
        var clock = Stopwatch.StartNew();
        Assert.Equal(200, (await Get(RegionPath("addresses"))).Status);
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(240), $"answered after {clock.Elapsed}");
    }

    [Fact]
    public async Task Request_log_records_calls_request_ids_and_counts()
    {
        var requestId = Guid.NewGuid().ToString();
        var answer = await Post(RegionPath("addresses") + "?requestId=" + requestId, new JsonObject { ["name"] = "a" });
        await WaitDone(answer.Body);
        await Get(RegionPath("addresses/a"));
        await Get(P("nowhere"));

        var log = StandIn.Requests;
        Assert.Equal(4, log.Count);
        Assert.Equal(("POST", $"projects/{Project}/regions/{Region}/addresses", "addresses.insert", requestId, 200, true),
            (log[0].Method, log[0].Path, log[0].Call, log[0].RequestId, log[0].StatusCode, log[0].IsMutation));
        Assert.Equal("regionOperations.wait", log[1].Call);
        Assert.Equal("addresses.get", log[2].Call);
        Assert.Equal(("unknown", 501), (log[3].Call, log[3].StatusCode));
        Assert.Equal(1, StandIn.MutationCount);
        Assert.Equal(1, StandIn.WaitCount);
        Assert.Equal(2, StandIn.CountCalls("addresses.*"));
        var op = Assert.Single(StandIn.Operations);
        Assert.Equal(("addresses.insert", "insert", "DONE", requestId), (op.Call, op.OperationType, op.Status, op.RequestId));
        StandIn.ClearRequestLog();
        Assert.Empty(StandIn.Requests);
    }

    [Fact]
    public async Task Invalid_names_are_400()
    {
        var insert = await Post(RegionPath("addresses"), new JsonObject { ["name"] = "Bad_Name" });
        Assert.Equal(400, insert.Status);
        Assert.Equal("invalid", insert.Reason);
        Assert.Equal("Invalid value for field 'resource.name': 'Bad_Name'. Must be a match of regex '(?:[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?)'", insert.Message);
        Assert.Equal(400, (await Post(RegionPath("addresses"), new JsonObject { ["name"] = new string('a', 64) })).Status);
        Assert.Equal(400, (await Post(RegionPath("addresses"), new JsonObject { ["name"] = "ends-with-" })).Status);
        Assert.Equal(400, (await Post(RegionPath("addresses"), new JsonObject())).Status);

        var get = await Get(RegionPath("addresses/Bad_Name"));
        Assert.Equal(400, get.Status);
        Assert.Equal("invalidParameter", get.Reason);
        Assert.Equal(0, StandIn.MutationCount);
    }

    [Fact]
    public async Task Unknown_region_or_zone_is_400_and_unknown_paths_501()
    {
        var region = await Get(P("regions/mars1/addresses"));
        Assert.Equal(400, region.Status);
        Assert.Equal("Invalid value for field 'region': 'mars1'. Unknown region.", region.Message);
        Assert.Equal(400, (await Post(P("zones/mars1-a/instances"), InstanceBody("x", zone: "mars1-a"))).Status);
        Assert.Equal(404, (await Get(P("regions/mars1"))).Status);
        Assert.Equal(501, (await Get(P("global/networks"))).Status);
        Assert.Equal(501, (await Send(HttpMethod.Put, RegionPath("addresses/a"))).Status);
    }
}
