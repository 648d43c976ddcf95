using System.Text.Json.Nodes;
using HaMaster.TestSupport;
using Xunit;

namespace HaMaster.Gce.Tests.StandIn;

/// <summary>Instance statuses, stop/start, fingerprints, lists, filters and the geography.</summary>
public sealed class InstanceBehaviourTests : StandInTestBase
{
    private async Task<string> Status(string name) => (await Get(ZonePath($"instances/{name}"))).Str("status")!;

    [Fact]
    public async Task Instance_is_provisioning_then_running()
    {
        StandIn.InstanceBootTime = TimeSpan.FromSeconds(3); // the first read is surely within it
        var vm = await CreateInstance("vm");
        var seen = new HashSet<string> { vm["status"]!.GetValue<string>() };
        await Eventually.HoldsAsync("the instance RUNNING", async () =>
        {
            var s = await Status("vm");
            seen.Add(s);
            return (s == "RUNNING", $"status {s}");
        }, Deadline);
        Assert.Contains(vm["status"]!.GetValue<string>(), new[] { "PROVISIONING", "STAGING" });
        Assert.Contains("RUNNING", seen);
        Assert.True(seen.IsSubsetOf(new[] { "PROVISIONING", "STAGING", "RUNNING" }), string.Join(",", seen));
    }

    [Fact]
    public async Task Stop_then_start_releases_and_reassigns_the_ephemeral_ip()
    {
        var vm = await CreateInstance("vm");
        var first = NatIp(vm)!;
        Assert.StartsWith("203.0.113.", first);
        Assert.StartsWith("10.", vm["networkInterfaces"]![0]!["networkIP"]!.GetValue<string>());

        StandIn.OperationLatency = TimeSpan.FromSeconds(2); // the intermediate status is read well before DONE
        var stop = await Post(ZonePath("instances/vm/stop"));
        Assert.Equal("stop", stop.Str("operationType"));
        Assert.Equal("STOPPING", await Status("vm"));
        await WaitDone(stop.Body);
        var stopped = (await Get(ZonePath("instances/vm"))).Body;
        Assert.Equal("TERMINATED", stopped["status"]!.GetValue<string>());
        Assert.Null(NatIp(stopped));
        Assert.NotNull(stopped["lastStopTimestamp"]);
        Assert.Equal("external-nat", stopped["networkInterfaces"]![0]!["accessConfigs"]![0]!["name"]!.GetValue<string>());

        await Mutate(HttpMethod.Post, ZonePath("instances/vm/start"));
        var started = (await Get(ZonePath("instances/vm"))).Body;
        Assert.Equal("RUNNING", started["status"]!.GetValue<string>());
        Assert.StartsWith("203.0.113.", NatIp(started));
        Assert.NotEqual(first, NatIp(started));
    }

    [Fact]
    public async Task Stopped_instance_keeps_its_static_ip()
    {
        var ip = await CreateAddress("a");
        await CreateInstance("vm", natIp: ip);
        await Mutate(HttpMethod.Post, ZonePath("instances/vm/stop"));
        Assert.Equal(ip, NatIp((await Get(ZonePath("instances/vm"))).Body));
        Assert.Equal("IN_USE", (await Get(RegionPath("addresses/a"))).Str("status"));
    }

    [Fact]
    public async Task Crash_can_be_simulated()
    {
        await CreateInstance("vm");
        StandIn.SetInstanceStatus(Project, Zone, "vm", "TERMINATED");
        Assert.Equal("TERMINATED", await Status("vm"));
        StandIn.SetInstanceStatus(Project, Zone, "vm", "RUNNING");
        Assert.Equal("RUNNING", await Status("vm"));
    }

    [Fact]
    public async Task Stopped_is_reported_until_the_instance_is_started()
    {
        await CreateInstance("vm");
        StandIn.SetInstanceStatus(Project, Zone, "vm", "STOPPED");
        Assert.Equal("STOPPED", await Status("vm"));
        Assert.Null(NatIp((await Get(ZonePath("instances/vm"))).Body));

        await Mutate(HttpMethod.Post, ZonePath("instances/vm/start"));

        Assert.Equal("RUNNING", await Status("vm"));
    }

    [Theory]
    [InlineData("PENDING_STOP")]
    [InlineData("DEPROVISIONING")]
    public async Task A_stopping_status_is_reported_for_a_while_then_the_instance_is_terminated(string status)
    {
        await CreateInstance("vm");
        StandIn.SetInstanceStatus(Project, Zone, "vm", status, lasting: TimeSpan.FromSeconds(30));
        Assert.Equal(status, await Status("vm"));
        var start = await Post(ZonePath("instances/vm/start"));
        Assert.Equal(400, start.Status);
        Assert.Equal("resourceNotReady", start.Reason);
        Assert.Equal(400, (await Post(ZonePath("instances/vm/stop"))).Status);

        StandIn.SetInstanceStatus(Project, Zone, "vm", status, lasting: TimeSpan.FromMilliseconds(100));
        await Eventually.HoldsAsync("the instance TERMINATED", async () => await Status("vm") == "TERMINATED", Deadline);
        await Mutate(HttpMethod.Post, ZonePath("instances/vm/start"));
        Assert.Equal("RUNNING", await Status("vm"));
    }

    [Fact]
    public async Task Pending_is_reported_for_a_while_then_the_instance_boots()
    {
        await CreateInstance("vm");
        StandIn.SetInstanceStatus(Project, Zone, "vm", "PENDING", lasting: TimeSpan.FromSeconds(30));
        Assert.Equal("PENDING", await Status("vm"));
        Assert.Equal("resourceNotReady", (await Post(ZonePath("instances/vm/start"))).Reason);

        StandIn.SetInstanceStatus(Project, Zone, "vm", "PENDING", lasting: TimeSpan.FromMilliseconds(100));
        await Eventually.HoldsAsync("the instance RUNNING", async () => await Status("vm") == "RUNNING", Deadline);
        Assert.StartsWith("203.0.113.", NatIp((await Get(ZonePath("instances/vm"))).Body));
    }

    [Fact]
    public async Task Delete_shows_stopping_until_done()
    {
        await CreateInstance("vm");
        StandIn.OperationLatency = TimeSpan.FromSeconds(2); // the intermediate status is read well before DONE
        var delete = await Delete(ZonePath("instances/vm"));
        Assert.Equal("delete", delete.Str("operationType"));
        Assert.Equal("STOPPING", await Status("vm"));
        await WaitDone(delete.Body);
        Assert.Equal(404, (await Get(ZonePath("instances/vm"))).Status);
    }

    [Fact]
    public async Task Deletion_protection_refuses_delete()
    {
        var body = InstanceBody("vm");
        body["deletionProtection"] = true;
        await Mutate(HttpMethod.Post, ZonePath("instances"), body);
        var delete = await Delete(ZonePath("instances/vm"));
        Assert.Equal(400, delete.Status);
        Assert.Equal("RUNNING", await Status("vm"));
    }

    [Fact]
    public async Task Set_metadata_checks_the_fingerprint()
    {
        var vm = await CreateInstance("vm");
        var fingerprint = vm["metadata"]!["fingerprint"]!.GetValue<string>();

        var stale = await Post(ZonePath("instances/vm/setMetadata"), new JsonObject
        {
            ["fingerprint"] = "AAAAAAAAAAA=",
            ["items"] = new JsonArray(new JsonObject { ["key"] = "kube-env", ["value"] = "x" }),
        });
        Assert.Equal(412, stale.Status);
        Assert.Equal("conditionNotMet", stale.Reason);
        Assert.Equal("Supplied fingerprint does not match current metadata fingerprint.", stale.Message);
        Assert.Equal("If-Match", stale.Error["errors"]![0]!["location"]!.GetValue<string>());
        Assert.Equal("header", stale.Error["errors"]![0]!["locationType"]!.GetValue<string>());

        var done = await Mutate(HttpMethod.Post, ZonePath("instances/vm/setMetadata"), new JsonObject
        {
            ["fingerprint"] = fingerprint,
            ["items"] = new JsonArray(new JsonObject { ["key"] = "kube-env", ["value"] = "x" }),
        });
        Assert.Equal("setMetadata", done["operationType"]!.GetValue<string>());
        var after = (await Get(ZonePath("instances/vm"))).Body["metadata"]!;
        Assert.NotEqual(fingerprint, after["fingerprint"]!.GetValue<string>());
        Assert.Equal("x", after["items"]![0]!["value"]!.GetValue<string>());

        // The old fingerprint is now stale.
        var again = await Post(ZonePath("instances/vm/setMetadata"), new JsonObject { ["fingerprint"] = fingerprint });
        Assert.Equal(412, again.Status);
    }

    [Fact]
    public async Task Metadata_size_is_limited()
    {
        var vm = await CreateInstance("vm");
        var big = new string('x', 300 * 1024);
        var answer = await Post(ZonePath("instances/vm/setMetadata"), new JsonObject
        {
            ["fingerprint"] = vm["metadata"]!["fingerprint"]!.GetValue<string>(),
            ["items"] = new JsonArray(new JsonObject { ["key"] = "kube-env", ["value"] = big }),
        });
        Assert.Equal(400, answer.Status);
    }

    [Fact]
    public async Task Set_labels_checks_the_fingerprint()
    {
        var vm = await CreateInstance("vm", labels: new JsonObject { ["cluster"] = "demo" });
        var stale = await Post(ZonePath("instances/vm/setLabels"), new JsonObject
        {
            ["labelFingerprint"] = "AAAAAAAAAAA=",
            ["labels"] = new JsonObject { ["cluster"] = "demo", ["role"] = "master" },
        });
        Assert.Equal(412, stale.Status);
        Assert.Equal("Labels fingerprint either invalid or resource labels have changed", stale.Message);

        var done = await Mutate(HttpMethod.Post, ZonePath("instances/vm/setLabels"), new JsonObject
        {
            ["labelFingerprint"] = vm["labelFingerprint"]!.GetValue<string>(),
            ["labels"] = new JsonObject { ["cluster"] = "demo", ["role"] = "master" },
        });
        Assert.Equal("compute.instance.setLabels", done["operationType"]!.GetValue<string>());
        var labels = (await Get(ZonePath("instances/vm"))).Body["labels"]!;
        Assert.Equal("master", labels["role"]!.GetValue<string>());

        var bad = await Post(ZonePath("instances/vm/setLabels"), new JsonObject
        {
            ["labelFingerprint"] = (await Get(ZonePath("instances/vm"))).Str("labelFingerprint"),
            ["labels"] = new JsonObject { ["Cluster"] = "x" },
        });
        Assert.Equal(400, bad.Status);
    }

    [Fact]
    public async Task Lists_filter_and_page()
    {
        await CreateInstance("demo-master", labels: new JsonObject { ["cluster"] = "demo", ["role"] = "master" });
        await CreateInstance("demo-master-a1b", labels: new JsonObject { ["cluster"] = "demo", ["role"] = "master" });
        await CreateInstance("other", labels: new JsonObject { ["cluster"] = "other" });

        async Task<string[]> Names(string query)
        {
            var answer = await Get(ZonePath("instances") + query);
            Assert.Equal(200, answer.Status);
            return answer.Body["items"]?.AsArray().Select(i => i!["name"]!.GetValue<string>()).ToArray() ?? Array.Empty<string>();
        }

        Assert.Equal(new[] { "demo-master", "demo-master-a1b" }, await Names("?filter=" + Uri.EscapeDataString("labels.cluster = \"demo\"")));
        Assert.Equal(new[] { "other" }, await Names("?filter=" + Uri.EscapeDataString("labels.cluster != demo")));
        Assert.Equal(new[] { "demo-master", "demo-master-a1b" }, await Names("?filter=" + Uri.EscapeDataString("(labels.role = master) (name = demo-*)")));
        Assert.Equal(new[] { "demo-master", "demo-master-a1b" }, await Names("?filter=" + Uri.EscapeDataString("labels.role:*")));
        Assert.Equal(new[] { "demo-master-a1b" }, await Names("?filter=" + Uri.EscapeDataString("name eq demo-master-[0-9a-f]{3}")));
        Assert.Equal(new[] { "other", "demo-master-a1b", "demo-master" }, await Names("?orderBy=" + Uri.EscapeDataString("name desc")));
        Assert.Equal(400, (await Get(ZonePath("instances") + "?filter=" + Uri.EscapeDataString("name = a OR name = b"))).Status);

        var page1 = await Get(ZonePath("instances") + "?maxResults=2");
        Assert.Equal(2, page1.Body["items"]!.AsArray().Count);
        var token = page1.Str("nextPageToken")!;
        var page2 = await Get(ZonePath("instances") + "?maxResults=2&pageToken=" + Uri.EscapeDataString(token));
        Assert.Single(page2.Body["items"]!.AsArray());
        Assert.Null(page2.Body["nextPageToken"]);
        Assert.Equal(400, (await Get(ZonePath("instances") + "?pageToken=nonsense")).Status);
        Assert.Equal(400, (await Get(ZonePath("instances") + "?maxResults=501")).Status);
        // A token is bound to the filter it was issued for.
        Assert.Equal(400, (await Get(ZonePath("instances") + "?filter=name%20%3D%20x&pageToken=" + Uri.EscapeDataString(token))).Status);
    }

    [Fact]
    public async Task Aggregated_list_groups_by_zone_with_warnings_for_empty_zones()
    {
        await CreateInstance("a", zone: "us-central1-a");
        await CreateInstance("b", zone: "us-central1-b");
        var answer = await Get(P("aggregated/instances"));
        Assert.Equal("compute#instanceAggregatedList", answer.Str("kind"));
        var items = answer.Body["items"]!.AsObject();
        Assert.Equal("a", items["zones/us-central1-a"]!["instances"]![0]!["name"]!.GetValue<string>());
        Assert.Equal("b", items["zones/us-central1-b"]!["instances"]![0]!["name"]!.GetValue<string>());
        var warning = items["zones/us-central1-c"]!["warning"]!;
        Assert.Equal("NO_RESULTS_ON_PAGE", warning["code"]!.GetValue<string>());
        Assert.Equal("zones/us-central1-c", warning["data"]![0]!["value"]!.GetValue<string>());
        var filtered = await Get(P("aggregated/instances") + "?filter=" + Uri.EscapeDataString("name = b"));
        Assert.NotNull(filtered.Body["items"]!["zones/us-central1-a"]!["warning"]);
    }

    [Fact]
    public async Task Region_lists_its_zones_and_zones_filter_by_region()
    {
        StandIn.DefineRegion("europe-north1", "europe-north1-a", "europe-north1-b");
        var region = await Get(P("regions/europe-north1"));
        Assert.Equal(
            new[] { $"{Www}projects/{Project}/zones/europe-north1-a", $"{Www}projects/{Project}/zones/europe-north1-b" },
            region.Body["zones"]!.AsArray().Select(z => z!.GetValue<string>()));

        var zones = await Get(P("zones") + "?filter=" + Uri.EscapeDataString("region eq .*/regions/us-central1"));
        Assert.Equal(new[] { "us-central1-a", "us-central1-b", "us-central1-c", "us-central1-f" },
            zones.Body["items"]!.AsArray().Select(z => z!["name"]!.GetValue<string>()));
        Assert.Equal("UP", (await Get(P("zones/europe-north1-b"))).Str("status"));
        Assert.Equal(404, (await Get(P("zones/europe-north1-z"))).Status);
    }

    [Fact]
    public async Task Machine_type_must_be_a_link_in_the_instance_zone()
    {
        var bare = InstanceBody("vm");
        bare["machineType"] = "e2-small";
        Assert.Equal(400, (await Post(ZonePath("instances"), bare)).Status);
        var elsewhere = InstanceBody("vm");
        elsewhere["machineType"] = "zones/us-central1-b/machineTypes/e2-small";
        Assert.Equal(400, (await Post(ZonePath("instances"), elsewhere)).Status);
        var noDisk = InstanceBody("vm");
        noDisk.Remove("disks");
        Assert.Equal(400, (await Post(ZonePath("instances"), noDisk)).Status);
        var noNic = InstanceBody("vm");
        noNic.Remove("networkInterfaces");
        Assert.Equal(400, (await Post(ZonePath("instances"), noNic)).Status);
        Assert.Equal(0, StandIn.MutationCount);
    }

    [Fact]
    public async Task Nested_links_use_the_beta_prefix_like_the_real_api()
    {
        var vm = await CreateInstance("vm");
        Assert.Equal($"https://www.googleapis.com/compute/beta/projects/{Project}/zones/{Zone}/machineTypes/e2-standard-2", vm["machineType"]!.GetValue<string>());
        Assert.Equal($"https://www.googleapis.com/compute/beta/projects/{Project}/global/networks/default", vm["networkInterfaces"]![0]!["network"]!.GetValue<string>());
        Assert.Equal($"{Www}projects/{Project}/zones/{Zone}/instances/vm", vm["selfLink"]!.GetValue<string>());
    }
}
