using System.Text.Json.Nodes;
using Xunit;

namespace HaMaster.Gce.Tests.StandIn;

/// <summary>
/// For each resource kind with a recorded real response in ../shared/fixtures/compute, the stand-in
/// builds the equivalent resource in the same state and its JSON must have the same shape: the same
/// field names, the same value kinds, int64 as strings, empty collections left out. Fields that
/// depend on features the stand-in does not model are listed as known omissions, with the reason.
/// </summary>
public sealed class ShapeFidelityTests : StandInTestBase
{
    private static readonly JsonShape Plain = new();

    private static JsonObject Kcc(string log, string method, string urlPattern, int status = 200, Func<JsonObject, bool>? where = null, int skip = 0) =>
        ComputeFixtures.KccResponse(log, e => e.Is(method, urlPattern, status) && (where is null || where(e.Response)), skip);

    private static bool Has(JsonObject o, string key) => o.ContainsKey(key);

    private static string? S(JsonObject o, string key) => o[key]?.GetValue<string>();

    // ---- addresses ---------------------------------------------------------------------------------

    [Fact]
    public async Task Reserved_address_matches_the_gcloud_recording()
    {
        await CreateAddress("master-ip");
        var actual = (await Get(RegionPath("addresses/master-ip"))).Body;
        var expected = Kcc("address-crud", "GET", "/regions/[^/]+/addresses/[^/]+$");
        Plain.AssertSameShape(expected, actual, "addresses.get (RESERVED)");
        Assert.Equal("RESERVED", S(actual, "status"));
        Assert.Equal("", S(actual, "description"));
    }

    [Fact]
    public async Task Labelled_address_matches_the_terraform_recording()
    {
        await Mutate(HttpMethod.Post, RegionPath("addresses"), new JsonObject
        {
            ["name"] = "labelled",
            ["addressType"] = "EXTERNAL",
            ["labels"] = new JsonObject { ["cluster"] = "demo", ["role"] = "master" },
        });
        var actual = (await Get(RegionPath("addresses/labelled"))).Body;
        var expected = Kcc("instance", "GET", "/addresses/[^/]+$", where: o => Has(o, "labels") && S(o, "addressType") == "EXTERNAL");
        new JsonShape().Map("$.labels").AssertSameShape(expected, actual, "addresses.get with labels");
    }

    [Fact]
    public async Task In_use_address_adds_only_users()
    {
        var ip = await CreateAddress("master-ip");
        await CreateInstance("master", natIp: ip);
        var actual = (await Get(RegionPath("addresses/master-ip"))).Body;
        var expected = Kcc("address-crud", "GET", "/regions/[^/]+/addresses/[^/]+$");
        new JsonShape()
            .AllowedExtra("$.users", "users[] is sent only when IN_USE (jclouds address_get.json, research/compute-api.md §1)")
            .AssertSameShape(expected, actual, "addresses.get (IN_USE)");
        Assert.Equal("IN_USE", S(actual, "status"));
    }

    // ---- instances ---------------------------------------------------------------------------------

    private static JsonShape InstanceShape() => new JsonShape()
        .Map("$.labels")
        .KnownOmission("$.resourceStatus", "effective metadata and scheduling status are not modelled")
        .KnownOmission("$.satisfiesPzi", "zone isolation compliance is not modelled")
        .KnownOmission("$.shieldedVmConfig", "deprecated duplicate of shieldedInstanceConfig")
        .KnownOmission("$.shieldedVmIntegrityPolicy", "deprecated duplicate of shieldedInstanceIntegrityPolicy")
        .KnownOmission("$.disks[].architecture", "derived from the source image, which is not modelled")
        .KnownOmission("$.disks[].guestOsFeatures", "derived from the source image, which is not modelled")
        .KnownOmission("$.disks[].licenses", "derived from the source image, which is not modelled");

    private async Task<JsonObject> CreateRecordedLikeInstance(string name)
    {
        var ip = await CreateAddress($"{name}-ip");
        var body = new JsonObject
        {
            ["name"] = name,
            ["description"] = "a replica",
            ["canIpForward"] = false,
            ["deletionProtection"] = false,
            ["machineType"] = $"projects/{Project}/zones/{Zone}/machineTypes/n1-standard-1",
            ["labels"] = new JsonObject { ["cluster"] = "demo", ["role"] = "master" },
            ["metadata"] = new JsonObject
            {
                ["items"] = new JsonArray(new JsonObject { ["key"] = "startup-script", ["value"] = "echo hi" }),
            },
            ["disks"] = new JsonArray(
                new JsonObject { ["boot"] = true, ["mode"] = "READ_WRITE", ["initializeParams"] = new JsonObject { ["sourceImage"] = "projects/debian-cloud/global/images/family/debian-12" } },
                new JsonObject { ["mode"] = "READ_WRITE", ["source"] = $"projects/{Project}/zones/{Zone}/disks/{name}-pd" }),
            ["networkInterfaces"] = new JsonArray(new JsonObject
            {
                ["network"] = $"projects/{Project}/global/networks/default",
                ["accessConfigs"] = new JsonArray(new JsonObject { ["natIP"] = ip, ["type"] = "ONE_TO_ONE_NAT" }),
            }),
            ["scheduling"] = new JsonObject { ["automaticRestart"] = false, ["onHostMaintenance"] = "TERMINATE", ["preemptible"] = true },
            ["serviceAccounts"] = new JsonArray(new JsonObject
            {
                ["email"] = $"sa@{Project}.iam.gserviceaccount.com",
                ["scopes"] = new JsonArray("https://www.googleapis.com/auth/cloud-platform"),
            }),
            ["tags"] = new JsonObject(),
        };
        await Mutate(HttpMethod.Post, ZonePath("instances"), body);
        return (await Get(ZonePath($"instances/{name}"))).Body;
    }

    [Fact]
    public async Task Running_instance_matches_the_recorded_instance()
    {
        var actual = await CreateRecordedLikeInstance("master");
        var expected = Kcc("instance", "GET", "/zones/[^/]+/instances/[^/]+$", where: o => S(o, "status") == "RUNNING");
        InstanceShape().AssertSameShape(expected, actual, "instances.get (RUNNING, static natIP)");
    }

    [Fact]
    public async Task Terminated_instance_matches_the_recorded_stopped_instance()
    {
        await CreateRecordedLikeInstance("master");
        await Mutate(HttpMethod.Post, ZonePath("instances/master/stop"));
        var actual = (await Get(ZonePath("instances/master"))).Body;
        Assert.Equal("TERMINATED", S(actual, "status"));
        var expected = Kcc("instance", "GET", "/zones/[^/]+/instances/[^/]+$", where: o => S(o, "status") == "TERMINATED");
        InstanceShape().AssertSameShape(expected, actual, "instances.get (TERMINATED)");
    }

    [Fact]
    public async Task Instance_without_access_config_matches_the_template_instance()
    {
        // The KCC target-pool recording: an instance with no description and no access config.
        await CreateInstance("bare", accessConfig: false, labels: new JsonObject { ["cluster"] = "demo" });
        var actual = (await Get(ZonePath("instances/bare"))).Body;
        var expected = Kcc("targetpool", "GET", "/zones/[^/]+/instances/[^/]+$");
        InstanceShape().AssertSameShape(expected, actual, "instances.get (no access config, no description)");
        Assert.False(actual.ContainsKey("description"));
        Assert.Null(actual["networkInterfaces"]![0]!["accessConfigs"]);
    }

    [Fact]
    public async Task Instance_list_matches_the_recorded_list_envelope()
    {
        var instance = await CreateRecordedLikeInstance("master");
        var actual = (await Get(ZonePath("instances"))).Body;
        var expected = ComputeFixtures.Libcloud("zones_us-central1-a_instances");
        // The envelope from the libcloud list; its 2013 item is compared against the current KCC instance instead.
        expected["items"] = new JsonArray(Kcc("instance", "GET", "/zones/[^/]+/instances/[^/]+$", where: o => S(o, "status") == "RUNNING"));
        new JsonShape()
            .Map("$.items[].labels")
            .KnownOmission("$.items[].resourceStatus", "not modelled")
            .KnownOmission("$.items[].satisfiesPzi", "not modelled")
            .KnownOmission("$.items[].shieldedVmConfig", "deprecated duplicate")
            .KnownOmission("$.items[].shieldedVmIntegrityPolicy", "deprecated duplicate")
            .KnownOmission("$.items[].disks[].architecture", "image-derived")
            .KnownOmission("$.items[].disks[].guestOsFeatures", "image-derived")
            .KnownOmission("$.items[].disks[].licenses", "image-derived")
            .AssertSameShape(expected, actual, "instances.list");
        Assert.Equal($"projects/{Project}/zones/{Zone}/instances", S(actual, "id"));
        Assert.Equal(S(instance, "selfLink"), actual["items"]![0]!["selfLink"]!.GetValue<string>());
    }

    // ---- firewalls, health checks, pools, rules ------------------------------------------------------

    [Fact]
    public async Task Firewall_matches_the_gcloud_recording()
    {
        await Mutate(HttpMethod.Post, P("global/firewalls"), new JsonObject
        {
            ["name"] = "demo-master-https",
            ["description"] = "apiserver",
            ["network"] = "global/networks/default",
            ["direction"] = "INGRESS",
            ["allowed"] = new JsonArray(new JsonObject { ["IPProtocol"] = "tcp", ["ports"] = new JsonArray("443") }),
            ["sourceRanges"] = new JsonArray("0.0.0.0/0"),
        });
        var actual = (await Get(P("global/firewalls/demo-master-https"))).Body;
        var expected = Kcc("firewall-crud", "GET", "/global/firewalls/[^/]+$");
        Plain.AssertSameShape(expected, actual, "firewalls.get");
    }

    [Fact]
    public async Task Http_health_check_matches_the_recording()
    {
        await Mutate(HttpMethod.Post, P("global/httpHealthChecks"), new JsonObject
        {
            ["name"] = "demo-master",
            ["host"] = "10.1.2.3",
            ["port"] = 80,
            ["requestPath"] = "/",
            ["checkIntervalSec"] = 5,
            ["timeoutSec"] = 5,
            ["healthyThreshold"] = 2,
            ["unhealthyThreshold"] = 2,
        });
        var actual = (await Get(P("global/httpHealthChecks/demo-master"))).Body;
        Plain.AssertSameShape(Kcc("targetpool", "GET", "/global/httpHealthChecks/[^/]+$"), actual, "httpHealthChecks.get (KCC)");
        new JsonShape()
            .AllowedExtra("$.description", "the KCC recording echoes description \"\"; the 2013 libcloud fixture predates it")
            .AssertSameShape(ComputeFixtures.Libcloud("global_httpHealthChecks_lchealthcheck"), actual, "httpHealthChecks.get (libcloud)");
    }

    [Fact]
    public async Task Empty_target_pool_leaves_out_instances_and_health_checks()
    {
        await CreatePool("demo-master");
        var actual = (await Get(RegionPath("targetPools/demo-master"))).Body;
        var expected = Kcc("targetpool", "GET", "/targetPools/[^/]+$", where: o => S(o, "sessionAffinity") == "NONE");
        Plain.AssertSameShape(expected, actual, "targetPools.get (empty)");
        Assert.False(actual.ContainsKey("instances"));
        Assert.False(actual.ContainsKey("healthChecks"));
    }

    [Fact]
    public async Task Full_target_pool_matches_the_recording()
    {
        await CreateInstance("master", accessConfig: false);
        await CreateHealthCheck("demo-master");
        await CreatePool("backup");
        await Mutate(HttpMethod.Post, RegionPath("targetPools"), new JsonObject
        {
            ["name"] = "demo-master",
            ["description"] = "apiserver replicas",
            ["sessionAffinity"] = "CLIENT_IP",
            ["failoverRatio"] = 0.5,
            ["backupPool"] = $"regions/{Region}/targetPools/backup",
            ["healthChecks"] = new JsonArray("global/httpHealthChecks/demo-master"),
            ["instances"] = new JsonArray($"zones/{Zone}/instances/master"),
        });
        var actual = (await Get(RegionPath("targetPools/demo-master"))).Body;
        var expected = Kcc("targetpool", "GET", "/targetPools/[^/]+$", where: o => Has(o, "backupPool"));
        Plain.AssertSameShape(expected, actual, "targetPools.get (full)");
        new JsonShape()
            .AllowedExtra("$.description", "newer recordings echo description")
            .AllowedExtra("$.sessionAffinity", "KCC recordings show sessionAffinity")
            .AllowedExtra("$.backupPool", "KCC recording")
            .AllowedExtra("$.failoverRatio", "KCC recording")
            .AssertSameShape(ComputeFixtures.Libcloud("regions_us-central1_targetPools_lctargetpool"), actual, "targetPools.get (libcloud)");
    }

    [Fact]
    public async Task Get_health_matches_the_recording()
    {
        var ip = await CreateAddress("demo-master-ip");
        await CreateInstance("master", accessConfig: false);
        await CreateHealthCheck("demo-master");
        await CreatePool("demo-master", "demo-master", "master");
        await CreateRule("demo-master", "demo-master", ip);
        StandIn.SetHealth("master", "UNHEALTHY");
        var answer = await Post(RegionPath("targetPools/demo-master/getHealth"), new JsonObject { ["instance"] = $"zones/{Zone}/instances/master" });
        Assert.Equal(200, answer.Status);
        Plain.AssertSameShape(ComputeFixtures.Libcloud("regions_us-central1_targetPools_lb_pool_getHealth"), answer.Body, "targetPools.getHealth");
        Assert.Equal(ip, answer.Body["healthStatus"]![0]!["ipAddress"]!.GetValue<string>());
    }

    [Fact]
    public async Task Forwarding_rule_matches_the_recordings()
    {
        var ip = await CreateAddress("demo-master-ip");
        await CreatePool("demo-master");
        await Mutate(HttpMethod.Post, RegionPath("forwardingRules"), new JsonObject
        {
            ["name"] = "demo-master",
            ["description"] = "apiserver",
            ["IPAddress"] = ip,
            ["IPProtocol"] = "TCP",
            ["portRange"] = "443",
            ["loadBalancingScheme"] = "EXTERNAL",
            ["target"] = $"regions/{Region}/targetPools/demo-master",
            ["labels"] = new JsonObject { ["cluster"] = "demo" },
        });
        var actual = (await Get(RegionPath("forwardingRules/demo-master"))).Body;
        // KCC (2024, an ESP rule: no portRange) united with libcloud (a TCP rule to a target pool: portRange).
        var expected = JsonShape.Union(
            Kcc("forwardingrule", "GET", "/forwardingRules/[^/]+$", where: o => Has(o, "labels")),
            ComputeFixtures.Libcloud("regions_us-central1_forwardingRules_lcforwardingrule"));
        new JsonShape().Map("$.labels").AssertSameShape(expected, actual, "forwardingRules.get");
        Assert.Equal("443-443", S(actual, "portRange"));
    }

    // ---- operations --------------------------------------------------------------------------------

    [Fact]
    public async Task Region_operation_running_and_done_match_the_gcloud_recording()
    {
        StandIn.OperationLatency = TimeSpan.FromMilliseconds(300);
        var running = await Post(RegionPath("addresses"), new JsonObject { ["name"] = "a" });
        var done = await WaitDone(running.Body);
        Plain.AssertSameShape(Kcc("address-crud", "POST", "/regions/[^/]+/addresses$"), running.Body, "regional insert operation (RUNNING)");
        Plain.AssertSameShape(Kcc("address-crud", "POST", "/regions/[^/]+/operations/[^/]+/wait$"), done, "regionOperations.wait (DONE)");
    }

    [Fact]
    public async Task Zone_operation_running_and_done_match_the_recording()
    {
        StandIn.OperationLatency = TimeSpan.FromMilliseconds(300);
        var running = await Post(ZonePath("instances"), InstanceBody("master"));
        Assert.Equal(200, running.Status);
        var polled = await Get(OperationPath(running.Body));
        var done = await WaitDone(running.Body);
        Plain.AssertSameShape(Kcc("targetpool", "POST", "/zones/[^/]+/instances$"), running.Body, "zonal insert operation (RUNNING)");
        Plain.AssertSameShape(Kcc("targetpool", "GET", "/zones/[^/]+/operations/[^/]+$"), done, "zoneOperations.get (DONE)");
        Assert.True(polled.Status == 200);
    }

    [Fact]
    public async Task Global_operation_running_and_done_match_the_gcloud_recording()
    {
        StandIn.OperationLatency = TimeSpan.FromMilliseconds(300);
        var running = await Post(P("global/firewalls"), new JsonObject
        {
            ["name"] = "fw",
            ["allowed"] = new JsonArray(new JsonObject { ["IPProtocol"] = "tcp", ["ports"] = new JsonArray("443") }),
        });
        var done = await WaitDone(running.Body);
        Plain.AssertSameShape(Kcc("firewall-crud", "POST", "/global/firewalls$"), running.Body, "global insert operation (RUNNING)");
        Plain.AssertSameShape(Kcc("firewall-crud", "POST", "/global/operations/[^/]+/wait$"), done, "globalOperations.wait (DONE)");
    }

    [Fact]
    public async Task Add_instance_operation_matches_the_recording()
    {
        StandIn.OperationLatency = TimeSpan.FromMilliseconds(300);
        await CreateInstance("master", accessConfig: false);
        await CreatePool("demo-master");
        var running = await Post(RegionPath("targetPools/demo-master/addInstance"), new JsonObject
        {
            ["instances"] = new JsonArray(new JsonObject { ["instance"] = $"zones/{Zone}/instances/master" }),
        });
        var done = await WaitDone(running.Body);
        Plain.AssertSameShape(Kcc("targetpool", "POST", "/targetPools/[^/]+/addInstance$"), running.Body, "targetPools.addInstance operation");
        Assert.Equal("AddInstance", S(done, "operationType"));
        Assert.Equal("DONE", S(done, "status"));
    }

    [Fact]
    public async Task Failed_operation_matches_the_recorded_failed_operation()
    {
        StandIn.FailNextOperation("instances.insert", "QUOTA_EXCEEDED", "Quota 'CPUS' exceeded.  Limit: 24.0 in region us-central1.", 403);
        var running = await Post(ZonePath("instances"), InstanceBody("master"));
        var done = await WaitDone(running.Body);
        var expected = ComputeFixtures.Libcloud("zones_us_central1_a_operations_operation_setMachineType_notstopped");
        Plain.AssertSameShape(expected, done, "zone operation DONE with error");
        Assert.Equal("QUOTA_EXCEEDED", done["error"]!["errors"]![0]!["code"]!.GetValue<string>());
        Assert.Equal(403, done["httpErrorStatusCode"]!.GetValue<int>());
        Assert.Equal("FORBIDDEN", S(done, "httpErrorMessage"));
    }

    // ---- errors and lists --------------------------------------------------------------------------

    [Fact]
    public async Task Not_found_body_matches_the_recordings()
    {
        var answer = await Get(P("global/httpHealthChecks/missing"));
        Assert.Equal(404, answer.Status);
        Plain.AssertSameShape(Kcc("targetpool", "GET", "/global/httpHealthChecks/[^/]+$", 404), answer.Body, "404 (KCC)");
        Plain.AssertSameShape(ComputeFixtures.Libcloud("global_images_family_notfound"), answer.Body, "404 (libcloud)");
        var message = $"The resource 'projects/{Project}/global/httpHealthChecks/missing' was not found";
        Assert.Equal(message, answer.Message);
        Assert.Equal(message, answer.Error["errors"]![0]!["message"]!.GetValue<string>());
        Assert.Equal("global", answer.Error["errors"]![0]!["domain"]!.GetValue<string>());
        Assert.Equal("notFound", answer.Reason);
    }

    [Fact]
    public async Task Error_body_keeps_the_wire_order()
    {
        using var response = await Http.GetAsync(RegionPath("targetPools/tp") + "?prettyPrint=false");
        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal(
            $"{{\"error\":{{\"code\":404,\"message\":\"The resource 'projects/{Project}/regions/{Region}/targetPools/tp' was not found\"," +
            $"\"errors\":[{{\"message\":\"The resource 'projects/{Project}/regions/{Region}/targetPools/tp' was not found\",\"domain\":\"global\",\"reason\":\"notFound\"}}]}}}}",
            text);
    }

    [Fact]
    public async Task Paged_list_matches_the_recorded_pages()
    {
        var first = await Get(P("regions?maxResults=2"));
        Assert.Equal(200, first.Status);
        Plain.AssertSameShape(ComputeFixtures.Libcloud("regions-paged-1"), first.Body, "regions.list page 1");

        var token = first.Str("nextPageToken")!;
        Answer last = first;
        while (last.Str("nextPageToken") is { } next)
        {
            last = await Get(P($"regions?maxResults=2&pageToken={Uri.EscapeDataString(next)}"));
            Assert.Equal(200, last.Status);
        }
        Plain.AssertSameShape(ComputeFixtures.Libcloud("regions-paged-2"), last.Body, "regions.list last page");
        Assert.NotNull(token);
    }

    [Fact]
    public async Task Empty_list_leaves_out_items()
    {
        var answer = await Get(RegionPath("addresses"));
        Assert.Equal(200, answer.Status);
        Assert.Equal(new[] { "id", "kind", "selfLink" }, answer.Body.Select(p => p.Key).OrderBy(k => k, StringComparer.Ordinal));
        Assert.Equal("compute#addressList", answer.Str("kind"));
        var envelope = ComputeFixtures.Libcloud("regions-paged-2");
        envelope.Remove("items");
        Plain.AssertSameShape(envelope, answer.Body, "empty list");
    }

    [Fact]
    public async Task Region_and_zone_match_the_recordings()
    {
        var region = (await Get(RegionPath("").TrimEnd('/'))).Body;
        var recordedRegion = ComputeFixtures.Libcloud("regions-paged-2")["items"]![0]!.AsObject();
        Plain.AssertSameShape(recordedRegion, region, "regions.get");
        Assert.Contains($"{Www}projects/{Project}/zones/{Zone}", region["zones"]!.AsArray().Select(z => z!.GetValue<string>()));

        var zone = (await Get(P($"zones/{Zone}"))).Body;
        Plain.AssertSameShape(Kcc("targetpool", "GET", "/projects/[^/]+/zones/[^/]+$"), zone, "zones.get");
    }
}
