using HaMaster.Gce.Compute;
using Newtonsoft.Json.Linq;
using Xunit;

namespace HaMaster.Gce.Tests.Compute;

/// <summary>What each request sends: method, path built from names, query, body with the API's field names.</summary>
public sealed class RequestShapeTests
{
    private static (ComputeService Service, StubHandler Stub) Compute(string answer = """{"name":"op","status":"DONE"}""")
    {
        var stub = new StubHandler((_, _) => StubCompute.Json(200, answer));
        return (StubCompute.Service(stub), stub);
    }

    [Fact]
    public async Task Every_mutation_has_its_own_random_request_id()
    {
        var (service, stub) = Compute();
        using var _ = service;
        await service.Instances.Delete("p", "us-central1-a", "a").ExecuteAsync();
        await service.Instances.Delete("p", "us-central1-a", "a").ExecuteAsync();
        await service.Firewalls.Delete("p", "fw").ExecuteAsync();

        var ids = stub.Requests.Select(r => r.Query("requestId")).ToList();
        Assert.All(ids, id => Assert.True(Guid.TryParse(id, out var g) && g != Guid.Empty, id));
        Assert.Equal(3, ids.Distinct().Count());
        Assert.All(stub.Requests, r => Assert.False(r.HasIfMatch));
    }

    [Fact]
    public async Task Executing_the_same_request_object_again_sends_the_same_request_id()
    {
        var (service, stub) = Compute();
        using var _ = service;
        var request = service.ForwardingRules.Delete("p", "us-central1", "demo-master");
        await request.ExecuteAsync();
        await request.ExecuteAsync();

        Assert.Equal(stub.Requests[0].Uri, stub.Requests[1].Uri);
    }

    [Fact]
    public async Task Access_config_calls_name_the_interface_and_the_config()
    {
        var (service, stub) = Compute();
        using var _ = service;
        await service.Instances.DeleteAccessConfig("p", "us-central1-a", "demo-master", "External NAT").ExecuteAsync();
        await service.Instances.AddAccessConfig("p", "us-central1-a", "demo-master",
            new AccessConfig { Type = AccessConfig.OneToOneNat, Name = "External NAT", NatIP = "203.0.113.7" }).ExecuteAsync();

        var delete = stub.Requests[0];
        Assert.Equal(HttpMethod.Post, delete.Method);
        Assert.Equal("projects/p/zones/us-central1-a/instances/demo-master/deleteAccessConfig", delete.RelativePath);
        Assert.Equal("External NAT", delete.Query("accessConfig"));
        Assert.Equal("nic0", delete.Query("networkInterface"));
        Assert.NotNull(delete.Query("requestId"));

        var add = stub.Requests[1];
        Assert.Equal("projects/p/zones/us-central1-a/instances/demo-master/addAccessConfig", add.RelativePath);
        Assert.Equal("nic0", add.Query("networkInterface"));
        Assert.True(JToken.DeepEquals(JObject.Parse("""{"type":"ONE_TO_ONE_NAT","name":"External NAT","natIP":"203.0.113.7"}"""),
            JObject.Parse(add.Body!)), add.Body);
    }

    [Fact]
    public async Task Labels_metadata_and_tags_send_their_fingerprints()
    {
        var (service, stub) = Compute();
        using var _ = service;
        await service.Instances.SetLabels("p", "z-a", "i", new SetLabelsRequest
        {
            Labels = new() { ["cluster"] = "demo" }, LabelFingerprint = "abc=",
        }).ExecuteAsync();
        await service.Instances.SetMetadata("p", "z-a", "i", new Metadata
        {
            Fingerprint = "f1=", Items = [new MetadataItem { Key = "startup-script", Value = "#!/bin/sh\necho hi" }],
        }).ExecuteAsync();
        await service.Instances.SetTags("p", "z-a", "i", new Tags { Fingerprint = "t=", Items = ["demo-master"] }).ExecuteAsync();

        Assert.Equal(["setLabels", "setMetadata", "setTags"], stub.Requests.Select(r => r.RelativePath.Split('/')[^1]));
        Assert.True(JToken.DeepEquals(JObject.Parse("""{"labels":{"cluster":"demo"},"labelFingerprint":"abc="}"""), JObject.Parse(stub.Requests[0].Body!)));
        Assert.True(JToken.DeepEquals(JObject.Parse("""{"fingerprint":"f1=","items":[{"key":"startup-script","value":"#!/bin/sh\necho hi"}]}"""),
            JObject.Parse(stub.Requests[1].Body!)));
        Assert.True(JToken.DeepEquals(JObject.Parse("""{"items":["demo-master"],"fingerprint":"t="}"""), JObject.Parse(stub.Requests[2].Body!)));
    }

    [Fact]
    public async Task Target_pool_membership_and_health_bodies()
    {
        var (service, stub) = Compute();
        using var _ = service;
        var a = ComputeLinks.Instance("p", "us-central1-a", "demo-master");
        var b = ComputeLinks.Instance("p", "us-central1-b", "demo-master-1a2");
        await service.TargetPools.AddInstance("p", "us-central1", "demo-master", a, b).ExecuteAsync();
        await service.TargetPools.RemoveInstance("p", "us-central1", "demo-master", b).ExecuteAsync();
        await service.TargetPools.GetHealth("p", "us-central1", "demo-master", a).ExecuteAsync();

        Assert.Equal("projects/p/regions/us-central1/targetPools/demo-master/addInstance", stub.Requests[0].RelativePath);
        Assert.True(JToken.DeepEquals(JObject.Parse($$"""{"instances":[{"instance":"{{a}}"},{"instance":"{{b}}"}]}"""), JObject.Parse(stub.Requests[0].Body!)));
        Assert.EndsWith("/removeInstance", stub.Requests[1].RelativePath);
        Assert.Equal(HttpMethod.Post, stub.Requests[2].Method);
        Assert.EndsWith("/getHealth", stub.Requests[2].RelativePath);
        Assert.True(JToken.DeepEquals(JObject.Parse($$"""{"instance":"{{a}}"}"""), JObject.Parse(stub.Requests[2].Body!)));
        Assert.Null(stub.Requests[2].Query("requestId"));
        Assert.Throws<ArgumentException>(() => service.TargetPools.AddInstance("p", "r", "tp"));
    }

    [Fact]
    public async Task Inserts_use_the_apis_field_names_and_leave_out_unset_fields()
    {
        var (service, stub) = Compute();
        using var _ = service;
        await service.ForwardingRules.Insert("p", "us-central1", new ForwardingRule
        {
            Name = "demo-master", IPAddress = "203.0.113.7", IPProtocol = "TCP", PortRange = "443-443",
            Target = ComputeLinks.TargetPool("p", "us-central1", "demo-master"),
        }).ExecuteAsync();
        await service.Firewalls.Insert("p", new Firewall
        {
            Name = "demo-master-https", Network = "global/networks/default", SourceRanges = ["0.0.0.0/0"],
            TargetTags = ["demo-master"], Allowed = [new FirewallRule { IPProtocol = "tcp", Ports = ["443"] }],
        }).ExecuteAsync();
        await service.HttpHealthChecks.Insert("p", new HttpHealthCheck { Name = "demo-master", Port = 80, RequestPath = "/healthz" }).ExecuteAsync();
        await service.Instances.Insert("p", "us-central1-a", new Instance
        {
            Name = "demo-master", MachineType = "zones/us-central1-a/machineTypes/e2-small",
            Disks = [new AttachedDisk { Boot = true, AutoDelete = true, InitializeParams = new() { SourceImage = "projects/debian-cloud/global/images/family/debian-12" } }],
            NetworkInterfaces = [new NetworkInterface { Network = "global/networks/default", AccessConfigs = [new AccessConfig { Type = "ONE_TO_ONE_NAT", NatIP = "203.0.113.7" }] }],
        }).ExecuteAsync();

        Assert.True(JToken.DeepEquals(JObject.Parse("""
            {"name":"demo-master","IPAddress":"203.0.113.7","IPProtocol":"TCP","portRange":"443-443",
             "target":"projects/p/regions/us-central1/targetPools/demo-master"}
            """), JObject.Parse(stub.Requests[0].Body!)), stub.Requests[0].Body);
        Assert.Equal("projects/p/regions/us-central1/forwardingRules", stub.Requests[0].RelativePath);
        Assert.Contains("\"allowed\":[{\"IPProtocol\":\"tcp\",\"ports\":[\"443\"]}]", stub.Requests[1].Body);
        Assert.Equal("projects/p/global/firewalls", stub.Requests[1].RelativePath);
        Assert.Equal("projects/p/global/httpHealthChecks", stub.Requests[2].RelativePath);
        var instance = JObject.Parse(stub.Requests[3].Body!);
        Assert.Equal("203.0.113.7", (string?)instance["networkInterfaces"]![0]!["accessConfigs"]![0]!["natIP"]);
        Assert.Equal("projects/debian-cloud/global/images/family/debian-12", (string?)instance["disks"]![0]!["initializeParams"]!["sourceImage"]);
        Assert.DoesNotContain("null", stub.Requests.Select(r => r.Body));
        Assert.All(stub.Requests, r => Assert.Equal(HttpMethod.Post, r.Method));
    }

    [Fact]
    public async Task Get_delete_list_and_patch_paths()
    {
        var (service, stub) = Compute("{}");
        using var _ = service;
        await service.Addresses.Get("p", "us-central1", "demo-master-ip").ExecuteAsync();
        await service.Addresses.Delete("p", "us-central1", "demo-master-ip").ExecuteAsync();
        var list = service.Instances.List("p", "us-central1-a");
        list.Filter = "labels.cluster = \"demo\"";
        list.MaxResults = 50;
        await list.ExecuteAsync();
        await service.Instances.AggregatedList("p").ExecuteAsync();
        await service.Firewalls.Patch("p", "demo-master-etcd", new Firewall { SourceTags = ["demo-master"] }).ExecuteAsync();
        await service.Zones.Get("p", "us-central1-a").ExecuteAsync();
        await service.Regions.Get("p", "us-central1").ExecuteAsync();
        await service.Instances.Start("p", "z-a", "i").ExecuteAsync();

        var r = stub.Requests;
        Assert.Equal((HttpMethod.Get, "projects/p/regions/us-central1/addresses/demo-master-ip"), (r[0].Method, r[0].RelativePath));
        Assert.Equal((HttpMethod.Delete, "projects/p/regions/us-central1/addresses/demo-master-ip"), (r[1].Method, r[1].RelativePath));
        Assert.Equal("projects/p/zones/us-central1-a/instances", r[2].RelativePath);
        Assert.Equal("labels.cluster = \"demo\"", r[2].Query("filter"));
        Assert.Equal("50", r[2].Query("maxResults"));
        Assert.Equal("projects/p/aggregated/instances", r[3].RelativePath);
        Assert.Equal((HttpMethod.Patch, "projects/p/global/firewalls/demo-master-etcd"), (r[4].Method, r[4].RelativePath));
        Assert.Equal("projects/p/zones/us-central1-a", r[5].RelativePath);
        Assert.Equal("projects/p/regions/us-central1", r[6].RelativePath);
        Assert.Equal("projects/p/zones/z-a/instances/i/start", r[7].RelativePath);
        Assert.Null(r[0].Query("requestId"));
        Assert.NotNull(r[1].Query("requestId"));
    }

    [Fact]
    public void Names_are_names_never_links()
    {
        var (service, _) = Compute();
        using var _s = service;
        Assert.Throws<ArgumentException>(() => service.Instances.Get("p", "us-central1-a",
            "https://www.googleapis.com/compute/v1/projects/p/zones/us-central1-a/instances/x"));
        Assert.Throws<ArgumentException>(() => service.Instances.Get("p", "", "x"));
        Assert.Throws<ArgumentNullException>(() => service.Addresses.Insert("p", "r", null!));
    }

    [Fact]
    public async Task Names_are_escaped_into_the_path()
    {
        var (service, stub) = Compute("{}");
        using var _ = service;
        await service.Instances.Get("p", "z", "a b").ExecuteAsync();
        Assert.Equal("/compute/v1/projects/p/zones/z/instances/a%20b", stub.Requests[0].Uri.AbsolutePath);
    }

    [Fact]
    public async Task Zone_names_of_a_region_come_from_its_zone_links()
    {
        // regions.get answers a region: take the one of the recorded list page.
        var region = JObject.Parse(SharedFixtures.ReadLibcloud("regions-paged-2.json"))["items"]![0]!.ToString();
        var stub = new StubHandler((_, _) => StubCompute.Json(200, region));
        using var service = StubCompute.Service(stub);

        var zones = await service.Regions.ZoneNamesAsync("p", "us-central1");

        Assert.Equal(["us-central1-a", "us-central1-b"], zones);
        Assert.Equal("projects/p/regions/us-central1", stub.Requests.Single().RelativePath);
    }
}
