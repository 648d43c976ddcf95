using System.Net;
using HaMaster.Gce.Compute;
using Xunit;

namespace HaMaster.Gce.Tests.Compute;

/// <summary>
/// The client reads every recorded Compute answer (libcloud JSON files and the JSON bodies of the KCC
/// golden HTTP logs, read from the shared folder) without losing a field it models, and turns every
/// recorded error body into a <see cref="ComputeApiException"/>.
/// </summary>
public sealed class FixtureParsingTests
{
    [Fact]
    public void Every_libcloud_fixture_is_named_and_parses_without_loss()
    {
        var files = SharedFixtures.LibcloudFiles().Select(Path.GetFileName).ToList();
        Assert.NotEmpty(files);
        foreach (var file in files)
        {
            if (file == FixtureTypes.LibcloudErrorBody)
                continue;
            Assert.True(FixtureTypes.Libcloud.TryGetValue(file!, out var type), $"libcloud/{file} has no class in FixtureTypes");
            JsonFidelity.ReadLossless(type!, SharedFixtures.ReadLibcloud(file!), $"libcloud/{file}");
        }
    }

    [Fact]
    public void Every_kcc_compute_exchange_parses_without_loss()
    {
        var checkedTypes = new Dictionary<Type, int>();
        var skipped = new HashSet<string>();
        var logs = SharedFixtures.KccFiles().ToList();
        Assert.Equal(5, logs.Count);
        foreach (var log in logs)
        {
            var exchanges = KccHttpLog.Read(log);
            Assert.NotEmpty(exchanges);
            foreach (var exchange in exchanges.Where(FixtureTypes.IsCompute))
            {
                if (FixtureTypes.OfRequestBody(exchange) is { } bodyType)
                    JsonFidelity.ReadLossless(bodyType, exchange.RequestBody!, $"request body of {exchange}");
                if (exchange.Status is < 200 or > 299)
                    continue; // error bodies: see Every_recorded_error_body_becomes_a_ComputeApiException
                Assert.NotNull(exchange.ResponseBody);
                var (type, collection) = FixtureTypes.OfResponse(exchange);
                if (type is null)
                {
                    Assert.True(FixtureTypes.NotModelled.Contains(collection), $"{exchange}: collection '{collection}' is neither modelled nor listed as not modelled");
                    skipped.Add(collection);
                    continue;
                }
                JsonFidelity.ReadLossless(type, exchange.ResponseBody!, exchange.ToString());
                checkedTypes[type] = checkedTypes.GetValueOrDefault(type) + 1;
            }
        }
        foreach (var expected in new[] { typeof(Address), typeof(Instance), typeof(Firewall), typeof(HttpHealthCheck),
                     typeof(TargetPool), typeof(ForwardingRule), typeof(Operation), typeof(Zone) })
            Assert.True(checkedTypes.GetValueOrDefault(expected) > 0, $"no recorded {expected.Name} was checked");
        Assert.True(checkedTypes[typeof(Operation)] > 50, $"only {checkedTypes[typeof(Operation)]} operations checked");
    }

    [Fact]
    public void Kcc_log_parser_finds_every_exchange_even_without_a_separator()
    {
        var exchanges = KccHttpLog.Read(SharedFixtures.Kcc("targetpool_http.log"));
        var text = File.ReadAllLines(SharedFixtures.Kcc("targetpool_http.log"));
        var requestLines = text.Count(l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^(GET|POST|PUT|PATCH|DELETE) https://"));
        Assert.Equal(requestLines, exchanges.Count);
        Assert.Contains(exchanges, e => e.Method == "POST" && e.Url.AbsolutePath.EndsWith("/addInstance") && e.Status == 200);
        Assert.All(exchanges, e => Assert.InRange(e.Status, 200, 599));
    }

    [Fact]
    public async Task Every_recorded_error_body_becomes_a_ComputeApiException()
    {
        var errors = SharedFixtures.KccFiles().SelectMany(KccHttpLog.Read).Where(e => e.Status >= 400).ToList();
        Assert.True(errors.Count >= 15, $"only {errors.Count} recorded errors");
        foreach (var exchange in errors)
        {
            var body = JsonFidelity.Parse(exchange.ResponseBody!);
            var error = await Replay(exchange.Status, exchange.ResponseBody!);
            Assert.Equal((HttpStatusCode)exchange.Status, error.StatusCode);
            Assert.Equal((string?)body["error"]!["errors"]![0]!["reason"], error.Reason);
            Assert.Equal((string?)body["error"]!["message"], error.ErrorMessage);
            Assert.Equal((string?)body["error"]!["status"], error.Status);
            if (exchange.Status == 404)
                Assert.True(error.IsNotFound, exchange.ToString());
            if (exchange.Status == 409)
                Assert.True(error.IsAlreadyExists, exchange.ToString());
        }
    }

    [Fact]
    public async Task Libcloud_404_body_is_notFound()
    {
        var error = await Replay(404, SharedFixtures.ReadLibcloud(FixtureTypes.LibcloudErrorBody));
        Assert.True(error.IsNotFound);
        Assert.Equal("notFound", error.Reason);
        Assert.Equal("global", error.Domain);
        Assert.Equal("The resource 'projects/project-name/global/images/family/coreos' was not found", error.ErrorMessage);
        Assert.False(error.IsAlreadyExists || error.IsRateLimited || error.IsQuotaExceeded || error.IsResourceInUse);
        Assert.Contains("HTTP 404 (notFound)", error.Message);
        Assert.Contains("compute.addresses.get", error.Message);
    }

    [Fact]
    public void Libcloud_instance_carries_its_nat_ip_and_fingerprints()
    {
        var instance = JsonFidelity.ReadLossless<Instance>(
            SharedFixtures.ReadLibcloud("zones_us-central1-a_instances_node-name.json"), "instance");
        Assert.Equal("node-name", instance.Name);
        Assert.Equal("1845312225624811608", instance.Id);
        Assert.Equal(Instance.StatusRunning, instance.Status);
        var nic = Assert.Single(instance.NetworkInterfaces!);
        Assert.Equal("nic0", nic.Name);
        Assert.Equal("10.240.113.94", nic.NetworkIP);
        var access = Assert.Single(nic.AccessConfigs!);
        Assert.Equal("173.255.115.146", access.NatIP);
        Assert.Equal("External NAT", access.Name);
        Assert.Equal(AccessConfig.OneToOneNat, access.Type);
        Assert.Equal("42WmSpB8rSM=", instance.Metadata!.Fingerprint);
        Assert.Null(instance.Metadata.Items);
        Assert.Equal("42WmSpB8rSM=", instance.Tags!.Fingerprint);
        Assert.Equal("us-central1-a", ComputeLinks.ZoneOf(instance.Zone));
        Assert.Equal("SCRATCH", Assert.Single(instance.Disks!).Type);
    }

    [Fact]
    public void Libcloud_instance_list_has_one_item_and_no_page_token()
    {
        var list = JsonFidelity.ReadLossless<ResourceList<Instance>>(
            SharedFixtures.ReadLibcloud("zones_us-central1-a_instances.json"), "instance list");
        Assert.Equal("compute#instanceList", list.Kind);
        Assert.Null(list.NextPageToken);
        var instance = Assert.Single(list.Items!);
        Assert.Equal("23.236.58.15", instance.NetworkInterfaces![0].AccessConfigs![0].NatIP);
        Assert.True(Assert.Single(instance.Disks!).Boot);
    }

    [Fact]
    public void Libcloud_forwarding_rule_keeps_the_capitalised_fields()
    {
        var rule = JsonFidelity.ReadLossless<ForwardingRule>(
            SharedFixtures.ReadLibcloud("regions_us-central1_forwardingRules_lcforwardingrule.json"), "rule");
        Assert.Equal("173.255.119.224", rule.IPAddress);
        Assert.Equal("TCP", rule.IPProtocol);
        Assert.Equal("8000-8500", rule.PortRange);
        Assert.Equal("projects/project_name/regions/us-central1/targetPools/lctargetpool", ComputeLinks.Tail(rule.Target));
    }

    [Fact]
    public void Libcloud_failed_operation_carries_its_errors()
    {
        var operation = JsonFidelity.ReadLossless<Operation>(
            SharedFixtures.ReadLibcloud("zones_us_central1_a_operations_operation_setMachineType_notstopped.json"), "op");
        Assert.True(operation.IsDone);
        Assert.True(operation.HasFailed);
        Assert.Equal(400, operation.HttpErrorStatusCode);
        Assert.Equal("BAD REQUEST", operation.HttpErrorMessage);
        var error = Assert.Single(operation.Error!.Errors!);
        Assert.Equal("RESOURCE_NOT_READY", error.Code);
        Assert.Equal("The resource 'projects/project_name/zones/us-central1-a/instances/node-name' is not ready", error.Message);
        Assert.Equal(OperationScope.InZone("project_name", "us-central1-a"), OperationScope.Of(operation));
    }

    [Fact]
    public void Libcloud_access_config_operations_go_from_pending_to_done()
    {
        foreach (var verb in new[] { "addAccessConfig", "deleteAccessConfig" })
        {
            var posted = JsonFidelity.ReadLossless<Operation>(SharedFixtures.ReadLibcloud(
                $"operations_operation_zones_us-central1-a_instances_node_name_{verb}_post.json"), verb);
            var done = JsonFidelity.ReadLossless<Operation>(SharedFixtures.ReadLibcloud(
                $"operations_operation_zones_us-central1-a_instances_node_name_{verb}_done.json"), verb);
            Assert.Equal(Operation.StatusPending, posted.Status);
            Assert.Equal(0, posted.Progress);
            Assert.False(posted.IsDone);
            Assert.True(done.IsDone);
            Assert.False(done.HasFailed);
            Assert.Equal(100, done.Progress);
            Assert.Equal(posted.Name, done.Name);
        }
    }

    [Fact]
    public void Libcloud_pages_carry_an_opaque_token_until_the_last()
    {
        var first = JsonFidelity.ReadLossless<ResourceList<Region>>(SharedFixtures.ReadLibcloud("regions-paged-1.json"), "page 1");
        var last = JsonFidelity.ReadLossless<ResourceList<Region>>(SharedFixtures.ReadLibcloud("regions-paged-2.json"), "page 2");
        Assert.Equal("CjQIz5W-w6HRxAI6KQoCGAEKAiAACgIYAQoCIAAKAhgTCg4qDGV1cm9wZS13ZXN0MQoDIMwI", first.NextPageToken);
        Assert.Equal(["asia-east1", "europe-west1"], first.Items!.Select(r => r.Name));
        Assert.Null(last.NextPageToken);
        var region = Assert.Single(last.Items!);
        Assert.Equal(["us-central1-a", "us-central1-b"], region.Zones!.Select(ComputeLinks.NameOf));
        Assert.Equal(7.0, region.Quotas!.Single(q => q.Metric == "STATIC_ADDRESSES").Limit);
    }

    [Fact]
    public void Libcloud_target_pool_health_and_members()
    {
        var health = JsonFidelity.ReadLossless<TargetPoolInstanceHealth>(
            SharedFixtures.ReadLibcloud("regions_us-central1_targetPools_lb_pool_getHealth.json"), "health");
        var status = Assert.Single(health.HealthStatus!);
        Assert.Equal(HealthStatus.Unhealthy, status.HealthState);
        Assert.Equal("130.99.99.99", status.IpAddress);
        Assert.Equal("libcloud-lb-demo-www-000", ComputeLinks.NameOf(status.Instance));

        var pool = JsonFidelity.ReadLossless<TargetPool>(
            SharedFixtures.ReadLibcloud("regions_us-central1_targetPools_lctargetpool.json"), "pool");
        Assert.Equal(2, pool.Instances!.Count);
        // The pool's links say v1beta16; the same instance by a v1 link or a partial one is the same resource.
        Assert.True(ComputeLinks.SameResource(pool.Instances[0],
            "https://compute.googleapis.com/compute/v1/" + ComputeLinks.Instance("project_name", "us-central1-b", "libcloud-lb-demo-www-000")));
        Assert.Contains(pool.Instances, i => ComputeLinks.SameResource(i,
            ComputeLinks.Instance("project_name", "us-central1-b", "libcloud-lb-demo-www-001")));
        Assert.Equal("libcloud-lb-demo-healthcheck", ComputeLinks.NameOf(Assert.Single(pool.HealthChecks!)));
    }

    [Fact]
    public void Libcloud_address_and_health_check()
    {
        var address = JsonFidelity.ReadLossless<Address>(
            SharedFixtures.ReadLibcloud("regions_us-central1_addresses_lcaddress.json"), "address");
        Assert.Equal("173.255.113.20", address.IPAddress);
        Assert.Equal("RESERVED", address.Status);
        Assert.Equal("", address.Description);
        Assert.Null(address.Users);

        var check = JsonFidelity.ReadLossless<HttpHealthCheck>(
            SharedFixtures.ReadLibcloud("global_httpHealthChecks_lchealthcheck.json"), "check");
        Assert.Equal(8000, check.Port);
        Assert.Equal("/lc", check.RequestPath);
        Assert.Equal("lchost", check.Host);
        Assert.Equal(3, check.HealthyThreshold);
        Assert.Equal(4, check.UnhealthyThreshold);
    }

    [Fact]
    public void Kcc_recordings_give_the_values_the_module_reads()
    {
        var targetPool = KccHttpLog.Read(SharedFixtures.Kcc("targetpool_http.log"));
        var addInstance = targetPool.Single(e => e.Url.AbsolutePath.EndsWith("/addInstance"));
        var op = JsonFidelity.ReadLossless<Operation>(addInstance.ResponseBody!, "addInstance");
        Assert.Equal("AddInstance", op.OperationType);
        Assert.Equal(OperationScopeKind.Region, OperationScope.Of(op).Kind);
        var poolGets = targetPool.Where(e => e.Method == "GET" && e.Status == 200 && e.Url.AbsolutePath.Contains("/targetPools/"))
            .Select(e => JsonFidelity.ReadLossless<TargetPool>(e.ResponseBody!, e.ToString())).ToList();
        Assert.Contains(poolGets, p => p.Instances is { Count: 1 } && p.Instances[0].Contains("/compute/beta/"));
        Assert.Contains(poolGets, p => p.Instances is null); // empty lists are left out

        var address = KccHttpLog.Read(SharedFixtures.Kcc("address-crud_http.log"));
        var inserted = JsonFidelity.ReadLossless<Operation>(address[0].ResponseBody!, "address insert");
        Assert.Equal(Operation.StatusRunning, inserted.Status);
        Assert.Equal("insert", inserted.OperationType);
        Assert.Equal(OperationScope.InRegion("${projectId}", "us-central1"), OperationScope.Of(inserted));
        Assert.EndsWith("/wait", address[1].Url.AbsolutePath);
        Assert.True(JsonFidelity.ReadLossless<Operation>(address[1].ResponseBody!, "wait").IsDone);
        var got = JsonFidelity.ReadLossless<Address>(address[2].ResponseBody!, "address get");
        Assert.Equal("8.8.8.8", got.IPAddress);
        Assert.Equal("abcdef0123A=", got.LabelFingerprint);

        var instanceLog = KccHttpLog.Read(SharedFixtures.Kcc("instance_http.log"));
        var instances = instanceLog.Where(e => e.Method == "GET" && e.Status == 200 && e.Url.AbsolutePath.Contains("/instances/"))
            .Select(e => JsonFidelity.ReadLossless<Instance>(e.ResponseBody!, e.ToString())).ToList();
        Assert.Contains(instances, i => i.NetworkInterfaces![0].AccessConfigs?[0].NatIP == "34.169.196.191");
        Assert.Contains(instances, i => i.Metadata?.Items?.Any(m => m.Key == "startup-script") == true);
        Assert.Contains(instances, i => i.Labels?.ContainsKey("label-one") == true && i.LabelFingerprint is not null);

        var firewall = KccHttpLog.Read(SharedFixtures.Kcc("firewall-crud_http.log"))
            .First(e => e.Method == "GET" && e.Url.AbsolutePath.Contains("/firewalls/"));
        var rule = JsonFidelity.ReadLossless<Firewall>(firewall.ResponseBody!, "firewall");
        var allowed = Assert.Single(rule.Allowed!);
        Assert.Equal("tcp", allowed.IPProtocol);
        Assert.Equal(["80"], allowed.Ports!);
        Assert.Equal(1000, rule.Priority);
        Assert.Equal("INGRESS", rule.Direction);

        var forwarding = KccHttpLog.Read(SharedFixtures.Kcc("forwardingrule_http.log"))
            .First(e => e.Method == "GET" && e.Status == 200 && e.Url.AbsolutePath.Contains("/forwardingRules/"));
        var fr = JsonFidelity.ReadLossless<ForwardingRule>(forwarding.ResponseBody!, "forwarding rule");
        Assert.Equal("EXTERNAL", fr.LoadBalancingScheme);
        Assert.False(string.IsNullOrEmpty(fr.IPAddress));
        Assert.Equal("targetVpnGateways", ComputeLinks.Tail(fr.Target)!.Split('/')[4]);
    }

    private static async Task<ComputeApiException> Replay(int status, string body)
    {
        var stub = StubHandler.Sequence(() => StubCompute.Json(status, body));
        using var service = StubCompute.Service(stub, ComputeRetryPolicy.None);
        return await Assert.ThrowsAsync<ComputeApiException>(() => service.Addresses.Get("p", "r", "n").ExecuteAsync());
    }
}
