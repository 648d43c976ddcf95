using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using HaMaster.Testing.Compute;
using Xunit;

namespace HaMaster.Gce.Tests.StandIn;

/// <summary>A started stand-in per test, and a plain HttpClient talking to it.</summary>
public abstract class StandInTestBase : IAsyncLifetime
{
    protected const string Project = "demo-project";
    protected const string Region = "us-central1";
    protected const string Zone = "us-central1-a";
    protected const string Www = "https://www.googleapis.com/compute/v1/";

    /// <summary>Upper bound for anything the tests wait on; generous for a shared 2-core machine.</summary>
    protected static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    protected ComputeStandIn StandIn { get; } = new();
    protected HttpClient Http { get; private set; } = null!;

    public virtual async Task InitializeAsync()
    {
        StandIn.OperationLatency = TimeSpan.FromMilliseconds(20);
        await StandIn.StartAsync();
        Http = new HttpClient { BaseAddress = StandIn.BaseUri, Timeout = TimeSpan.FromSeconds(30) };
        Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "fake");
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        await StandIn.DisposeAsync();
    }

    protected sealed record Answer(int Status, JsonObject Body)
    {
        public string? Str(string key) => Body[key]?.GetValue<string>();

        public JsonObject Error => Body["error"]!.AsObject();

        public string? Reason => Body["error"]?["errors"]?[0]?["reason"]?.GetValue<string>();

        public string? Message => Body["error"]?["message"]?.GetValue<string>();

        public override string ToString() => $"{Status} {Body.ToJsonString()}";
    }

    protected async Task<Answer> Send(HttpMethod method, string path, JsonNode? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null) request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        using var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.StartsWith("application/json", response.Content.Headers.ContentType?.MediaType ?? "");
        return new Answer((int)response.StatusCode, JsonNode.Parse(text)!.AsObject());
    }

    protected Task<Answer> Get(string path) => Send(HttpMethod.Get, path);

    protected Task<Answer> Post(string path, JsonNode? body = null) => Send(HttpMethod.Post, path, body);

    protected Task<Answer> Delete(string path) => Send(HttpMethod.Delete, path);

    protected static string P(string rest) => $"projects/{Project}/{rest}";

    protected static string RegionPath(string rest) => P($"regions/{Region}/{rest}");

    protected static string ZonePath(string rest, string zone = Zone) => P($"zones/{zone}/{rest}");

    /// <summary>The <c>projects/…/operations/{name}</c> path of an operation, from its selfLink.</summary>
    protected static string OperationPath(JsonObject op)
    {
        var self = op["selfLink"]!.GetValue<string>();
        Assert.StartsWith(Www, self);
        return self[Www.Length..];
    }

    /// <summary>Calls wait until the operation is DONE (wait may answer RUNNING), within <see cref="Deadline"/>.</summary>
    protected async Task<JsonObject> WaitDone(JsonObject op)
    {
        var path = OperationPath(op) + "/wait";
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var answer = await Post(path);
            Assert.Equal(200, answer.Status);
            if (answer.Str("status") == "DONE") return answer.Body;
            Assert.True(clock.Elapsed < Deadline, $"Operation {op["name"]} not DONE within {Deadline}.");
        }
    }

    /// <summary>A mutation that must be accepted and end DONE without error.</summary>
    protected async Task<JsonObject> Mutate(HttpMethod method, string path, JsonNode? body = null)
    {
        var answer = await Send(method, path, body);
        Assert.True(answer.Status == 200, $"{method} {path}: {answer}");
        Assert.Equal("RUNNING", answer.Str("status"));
        var done = await WaitDone(answer.Body);
        Assert.True(done["error"] is null, $"{method} {path} failed: {done.ToJsonString()}");
        return done;
    }

    // ---- resources the tests build on ----------------------------------------------------------------

    protected async Task<string> CreateAddress(string name, string region = Region)
    {
        await Mutate(HttpMethod.Post, P($"regions/{region}/addresses"), new JsonObject { ["name"] = name });
        var a = await Get(P($"regions/{region}/addresses/{name}"));
        Assert.Equal(200, a.Status);
        return a.Str("address")!;
    }

    protected static JsonObject InstanceBody(string name, string? natIp = null, bool accessConfig = true, string zone = Zone, JsonObject? labels = null)
    {
        var nic = new JsonObject { ["network"] = "global/networks/default" };
        if (accessConfig)
        {
            var ac = new JsonObject { ["type"] = "ONE_TO_ONE_NAT", ["name"] = "external-nat" };
            if (natIp is not null) ac["natIP"] = natIp;
            nic["accessConfigs"] = new JsonArray(ac);
        }
        var body = new JsonObject
        {
            ["name"] = name,
            ["machineType"] = $"zones/{zone}/machineTypes/e2-standard-2",
            ["disks"] = new JsonArray(new JsonObject
            {
                ["boot"] = true,
                ["autoDelete"] = true,
                ["initializeParams"] = new JsonObject { ["sourceImage"] = "projects/debian-cloud/global/images/family/debian-12" },
            }),
            ["networkInterfaces"] = new JsonArray(nic),
        };
        if (labels is not null) body["labels"] = labels;
        return body;
    }

    protected async Task<JsonObject> CreateInstance(string name, string? natIp = null, bool accessConfig = true, string zone = Zone, JsonObject? labels = null)
    {
        await Mutate(HttpMethod.Post, ZonePath("instances", zone), InstanceBody(name, natIp, accessConfig, zone, labels));
        var i = await Get(ZonePath($"instances/{name}", zone));
        Assert.Equal(200, i.Status);
        return i.Body;
    }

    protected static string? NatIp(JsonObject instance) =>
        instance["networkInterfaces"]?[0]?["accessConfigs"]?[0]?["natIP"]?.GetValue<string>();

    protected async Task CreateHealthCheck(string name) =>
        await Mutate(HttpMethod.Post, P("global/httpHealthChecks"), new JsonObject { ["name"] = name, ["port"] = 8080, ["requestPath"] = "/healthz" });

    protected async Task CreatePool(string name, string? healthCheck = null, params string[] instances)
    {
        var body = new JsonObject { ["name"] = name };
        if (healthCheck is not null) body["healthChecks"] = new JsonArray(JsonValue.Create($"global/httpHealthChecks/{healthCheck}"));
        if (instances.Length > 0) body["instances"] = new JsonArray(instances.Select(i => (JsonNode)JsonValue.Create($"zones/{Zone}/instances/{i}")!).ToArray());
        await Mutate(HttpMethod.Post, RegionPath("targetPools"), body);
    }

    protected async Task CreateRule(string name, string pool, string? ip = null)
    {
        var body = new JsonObject
        {
            ["name"] = name,
            ["IPProtocol"] = "TCP",
            ["portRange"] = "443",
            ["target"] = $"regions/{Region}/targetPools/{pool}",
        };
        if (ip is not null) body["IPAddress"] = ip;
        await Mutate(HttpMethod.Post, RegionPath("forwardingRules"), body);
    }
}
