using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace HaMaster.Testing.Compute;

/// <summary>
/// A local stand-in of the Compute Engine REST API v1, served by Kestrel on a loopback port, for the
/// Gce provider's tests. It keeps its state in memory and reproduces the behaviour listed in
/// research/compute-api.md §5: asynchronous operations, the real error bodies, the address
/// lifecycle, the one-access-config rule, target pools, forwarding rules and health, plus fault
/// injection (latency, rate limiting, operation failure). See README.md next to this file.
/// </summary>
public sealed partial class ComputeStandIn : IAsyncDisposable
{
    private const string ApiPrefix = "/compute/v1/";
    private readonly object _gate = new();
    private readonly Dictionary<string, CollectionDef> _collections;
    private WebApplication? _app;
    private Uri? _baseUri;

    public ComputeStandIn()
    {
        _collections = BuildCollections();
    }

    /// <summary>
    /// Starts listening. <paramref name="address"/> defaults to 127.0.0.1 and <paramref name="port"/>
    /// to 0 (a free port chosen by the system).
    /// </summary>
    public async Task StartAsync(IPAddress? address = null, int port = 0, CancellationToken cancellationToken = default)
    {
        if (_app is not null) throw new InvalidOperationException("The stand-in is already started.");
        address ??= IPAddress.Loopback;
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = Array.Empty<string>(),
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<IHostLifetime, QuietLifetime>();
        builder.WebHost.UseKestrel(o => o.Listen(address, port));
        var app = builder.Build();
        app.Run(HandleAsync);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        _app = app;

        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? throw new InvalidOperationException("Kestrel did not report the address it listens on.");
        var boundPort = new Uri(bound).Port;
        var host = address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString();
        _baseUri = new Uri($"http://{host}:{boundPort}{ApiPrefix}");
    }

    /// <summary>The endpoint to give the client, e.g. <c>http://127.0.0.1:PORT/compute/v1/</c>.</summary>
    public Uri BaseUri => _baseUri ?? throw new InvalidOperationException("Call StartAsync first.");

    public async ValueTask DisposeAsync()
    {
        var app = _app;
        _app = null;
        if (app is null) return;
        lock (_gate)
        {
            foreach (var op in _pending) op.DoneSignal.TrySetResult();
        }
        await app.StopAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        await app.DisposeAsync().ConfigureAwait(false);
    }

    // ---- settings --------------------------------------------------------------------------------

    /// <summary>Prefix of <c>selfLink</c>, <c>targetLink</c>, <c>zone</c> and <c>region</c> values, as the real API writes them.</summary>
    public string SelfLinkBase { get; set; } = "https://www.googleapis.com/compute/v1/";

    /// <summary>
    /// Prefix of links nested inside resources (target pool members and health checks, an
    /// instance's machine type, network, subnetwork and disks). The real API writes these with
    /// <c>/compute/beta/</c> even to v1 clients (KCC recordings), so clients must compare links by
    /// their <c>projects/…</c> tail.
    /// </summary>
    public string NestedLinkBase { get; set; } = "https://www.googleapis.com/compute/beta/";

    /// <summary>
    /// When set, every request must carry <c>Authorization: Bearer</c> this token, or it is answered
    /// 401 with the real "Login Required" body. Default null: not checked.
    /// </summary>
    public string? RequiredAccessToken { get; set; }

    private void CheckAuthorization(string header)
    {
        var token = RequiredAccessToken;
        if (token is null || header == $"Bearer {token}") return;
        throw new ApiException(401, "required",
            "Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential.")
        {
            Location = "Authorization",
            LocationType = "header",
            RpcStatus = "UNAUTHENTICATED",
        };
    }

    /// <summary>The <c>user</c> written into operations.</summary>
    public string User { get; set; } = "user@example.com";

    /// <summary>Time from a mutation's answer (RUNNING) until its operation is DONE. Default 50 ms.</summary>
    public TimeSpan OperationLatency { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Delay added before every request is answered. Default none.</summary>
    public TimeSpan RequestLatency { get; set; } = TimeSpan.Zero;

    /// <summary>How long <c>operations/{op}/wait</c> blocks at most before answering with a RUNNING operation. Default 2 s.</summary>
    public TimeSpan WaitCap { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// After an instance insert (or start) is DONE the instance reports PROVISIONING then STAGING
    /// (after a start: STAGING) for this long before RUNNING. Default zero: RUNNING at once.
    /// </summary>
    public TimeSpan InstanceBootTime { get; set; } = TimeSpan.Zero;

    /// <summary>
    /// Whether a static address still attached to an instance access config may be deleted (§5.4 open
    /// question). Default false: refused with 400 resourceInUseByAnotherResource, like an address used by a
    /// forwarding rule. When true the address resource goes away and the instance keeps the IP as an ephemeral one.
    /// </summary>
    public bool AllowDeletingAddressInUseByInstance { get; set; }

    /// <summary>Health reported by getHealth for instances without <see cref="SetHealth"/>. Default HEALTHY.</summary>
    public string DefaultHealth
    {
        get => _defaultHealth;
        set => _defaultHealth = CheckHealthState(value);
    }

    private string _defaultHealth = "HEALTHY";

    /// <summary>Per region limit of static addresses; beyond it addresses.insert answers 403 quotaExceeded. Default 8.</summary>
    public int StaticAddressQuota { get; set; } = 8;

    /// <summary>Sets the operation latency of the calls matching <paramref name="match"/> (e.g. <c>forwardingRules.insert</c>, <c>instances.*</c>).</summary>
    public void SetOperationLatency(string match, TimeSpan latency)
    {
        lock (_gate) _latencyRules.Insert(0, (Glob(match), latency));
    }

    private readonly List<(Regex Match, TimeSpan Latency)> _latencyRules = new();

    // ---- fault injection ---------------------------------------------------------------------------

    /// <summary>
    /// The next <paramref name="count"/> requests (those whose call matches <paramref name="match"/>, all
    /// if null) are answered with a rate-limit error instead: 403 rateLimitExceeded in domain usageLimits
    /// (the Compute rate quota), or 429 RESOURCE_EXHAUSTED, or 503 backendError.
    /// </summary>
    public void RateLimitNext(int count, int statusCode = 403, string? match = null)
    {
        if (statusCode is not (403 or 429 or 503)) throw new ArgumentOutOfRangeException(nameof(statusCode), "403, 429 or 503.");
        lock (_gate) _requestFaults.Add(new RequestFault(match is null ? null : Glob(match), count, () => ApiException.RateLimited(statusCode)));
    }

    /// <summary>The next <paramref name="count"/> requests matching <paramref name="match"/> fail synchronously with the given error.</summary>
    public void FailNextRequest(string match, int statusCode, string reason, string message, int count = 1)
    {
        lock (_gate) _requestFaults.Add(new RequestFault(Glob(match), count, () => new ApiException(statusCode, reason, message)));
    }

    /// <summary>
    /// The next <paramref name="count"/> operations of calls matching <paramref name="match"/> (e.g.
    /// <c>forwardingRules.insert</c>), optionally only those on the resource named <paramref name="targetName"/>,
    /// are answered RUNNING as usual but end DONE with <c>error.errors[{code, message}]</c>,
    /// <c>httpErrorStatusCode</c> and <c>httpErrorMessage</c>; the change is not made.
    /// </summary>
    public void FailNextOperation(
        string match,
        string code = "QUOTA_EXCEEDED",
        string? message = null,
        int httpErrorStatusCode = 403,
        int count = 1,
        string? targetName = null)
    {
        lock (_gate) _operationFaults.Add(new OperationFault(Glob(match), targetName, count, code, message, httpErrorStatusCode));
    }

    /// <summary>Sets the health getHealth reports for the instance named <paramref name="instanceName"/> (HEALTHY or UNHEALTHY).</summary>
    public void SetHealth(string instanceName, string healthState)
    {
        var state = CheckHealthState(healthState);
        lock (_gate) _health[instanceName] = state;
    }

    private static string CheckHealthState(string value) => value is "HEALTHY" or "UNHEALTHY"
        ? value
        : throw new ArgumentException("HEALTHY or UNHEALTHY.", nameof(value));

    private sealed class RequestFault(Regex? match, int remaining, Func<ApiException> make)
    {
        public Regex? Match { get; } = match;
        public int Remaining { get; set; } = remaining;
        public Func<ApiException> Make { get; } = make;
    }

    private sealed class OperationFault(Regex match, string? targetName, int remaining, string code, string? message, int http)
    {
        public Regex Match { get; } = match;
        public string? TargetName { get; } = targetName;
        public int Remaining { get; set; } = remaining;
        public string Code { get; } = code;
        public string? Message { get; } = message;
        public int Http { get; } = http;
    }

    private readonly List<RequestFault> _requestFaults = new();
    private readonly List<OperationFault> _operationFaults = new();
    private readonly Dictionary<string, string> _health = new(StringComparer.Ordinal);

    private static Regex Glob(string pattern) =>
        new("^" + Regex.Escape(pattern).Replace("\\*", ".*", StringComparison.Ordinal) + "$", RegexOptions.CultureInvariant);

    // ---- observation -------------------------------------------------------------------------------

    private readonly List<RecordedRequest> _requests = new();

    /// <summary>Every request answered so far, in the order the answers were sent (<see cref="RecordedRequest.At"/> is the arrival time).</summary>
    public IReadOnlyList<RecordedRequest> Requests
    {
        get { lock (_gate) return _requests.ToArray(); }
    }

    /// <summary>Number of operations started (mutations accepted; replays of a requestId not counted).</summary>
    public int MutationCount
    {
        get { lock (_gate) return _operations.Count; }
    }

    /// <summary>Number of <c>operations/{op}/wait</c> calls received.</summary>
    public int WaitCount
    {
        get { lock (_gate) return _requests.Count(r => r.Call.EndsWith("Operations.wait", StringComparison.Ordinal)); }
    }

    /// <summary>Number of requests whose call matches <paramref name="match"/> (e.g. <c>instances.insert</c>, <c>*Operations.get</c>).</summary>
    public int CountCalls(string match)
    {
        var re = Glob(match);
        lock (_gate) return _requests.Count(r => re.IsMatch(r.Call));
    }

    /// <summary>Forgets the request log (not the state).</summary>
    public void ClearRequestLog()
    {
        lock (_gate) _requests.Clear();
    }

    /// <summary>Every operation so far.</summary>
    public IReadOnlyList<OperationSnapshot> Operations
    {
        get
        {
            lock (_gate)
            {
                Advance(DateTimeOffset.UtcNow);
                return _operations.Values.OrderBy(o => o.Seq)
                    .Select(o => new OperationSnapshot(o.Name, o.Call, o.Type, o.TargetLink, o.IsDone ? "DONE" : "RUNNING", o.Error?.Code, o.RequestId))
                    .ToArray();
            }
        }
    }

    /// <summary>
    /// Paths (<c>projects/p/regions/r/addresses/a</c>, …) of every live resource, sorted, after completing
    /// the operations that are due. Use it to assert that nothing leaked.
    /// </summary>
    public IReadOnlyList<string> Inventory()
    {
        lock (_gate)
        {
            Advance(DateTimeOffset.UtcNow);
            return _resources.Keys.OrderBy(k => k, StringComparer.Ordinal).ToArray();
        }
    }

    /// <summary>The resource at <paramref name="path"/> (<c>projects/p/zones/z/instances/i</c>) as the API would return it, or null.</summary>
    public JsonObject? GetResource(string path)
    {
        lock (_gate)
        {
            var now = DateTimeOffset.UtcNow;
            Advance(now);
            return _resources.TryGetValue(path, out var r) ? Render(r, now) : null;
        }
    }

    /// <summary>Number of operations not yet DONE.</summary>
    public int PendingOperationCount
    {
        get { lock (_gate) { Advance(DateTimeOffset.UtcNow); return _pending.Count; } }
    }

    // ---- request handling --------------------------------------------------------------------------

    private sealed class Route
    {
        public required string Call { get; init; }
        public required string Project { get; init; }
        public Scope Scope { get; init; } = Scope.Global;
        public string? Name { get; init; }
        public bool IsMutation { get; init; }
        public bool IsWait { get; init; }
        public bool NeedsBody { get; init; }
        public Func<Req, JsonNode>? Handler { get; init; }
    }

    private sealed class Req
    {
        public required Route Route { get; init; }
        public required JsonObject? Body { get; init; }
        public required IQueryCollection Query { get; init; }
        public required string? RequestId { get; init; }
        public required DateTimeOffset Now { get; init; }
        public string Project => Route.Project;
        public Scope Scope => Route.Scope;
        public string Name => Route.Name ?? throw new InvalidOperationException("No name in this route.");
        public string Call => Route.Call;

        public string? Q(string key) => Query.TryGetValue(key, out var v) && v.Count > 0 ? v[0] : null;
    }

    private async Task HandleAsync(HttpContext ctx)
    {
        var method = ctx.Request.Method;
        var rawPath = ctx.Request.Path.Value ?? "/";
        var query = ctx.Request.QueryString.Value ?? "";
        var requestId = ctx.Request.Query.TryGetValue("requestId", out var rid) && rid.Count > 0 ? rid[0] : null;
        var at = DateTimeOffset.UtcNow;
        var path = rawPath.StartsWith(ApiPrefix, StringComparison.Ordinal) ? rawPath[ApiPrefix.Length..] : rawPath;

        Route? route = null;
        if (rawPath.StartsWith(ApiPrefix, StringComparison.Ordinal))
        {
            var segments = path.Split('/').Select(Uri.UnescapeDataString).ToArray();
            route = Resolve(method, segments);
        }

        int status;
        JsonNode body;
        var sortKeys = true;
        string? operationName = null;
        try
        {
            if (RequestLatency > TimeSpan.Zero) await Task.Delay(RequestLatency, ctx.RequestAborted).ConfigureAwait(false);
            CheckAuthorization(ctx.Request.Headers.Authorization.ToString());
            CheckRequestFaults(route?.Call ?? "unknown");
            if (route is null) throw ApiException.NotImplemented(method, rawPath);

            JsonObject? requestBody = null;
            if (route.NeedsBody) requestBody = await ReadBodyAsync(ctx).ConfigureAwait(false);

            if (route.IsWait)
            {
                body = await WaitAsync(route, ctx.RequestAborted).ConfigureAwait(false);
            }
            else
            {
                lock (_gate)
                {
                    var now = DateTimeOffset.UtcNow;
                    Advance(now);
                    var req = new Req { Route = route, Body = requestBody, Query = ctx.Request.Query, RequestId = requestId, Now = now };
                    Operation? previous = null;
                    if (route.IsMutation && requestId is not null)
                    {
                        CheckRequestId(requestId);
                        _byRequestId.TryGetValue($"{route.Project}/{requestId}", out previous);
                    }
                    if (previous is not null)
                    {
                        // A retry with the same requestId gets the original operation, not a 409.
                        body = RenderOperation(previous, now);
                        operationName = previous.Name;
                    }
                    else
                    {
                        body = route.Handler!(req);
                        if (route.IsMutation) operationName = body["name"]?.GetValue<string>();
                    }
                }
            }
            status = 200;
        }
        catch (ApiException e)
        {
            status = e.Status;
            body = e.Body();
            sortKeys = false;
        }
        catch (OperationCanceledException) when (ctx.RequestAborted.IsCancellationRequested)
        {
            return;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A defect of the stand-in: answer like a backend error, with the cause, so that it shows in the test.
            status = 500;
            body = new ApiException(500, "backendError", $"Internal error of the Compute stand-in: {e.GetType().Name}: {e.Message}").Body();
            sortKeys = false;
        }

        lock (_gate)
        {
            _requests.Add(new RecordedRequest(at, method, path, query, route?.Call ?? "unknown", requestId, status, route?.IsMutation ?? false, operationName));
        }

        var indented = !string.Equals(ctx.Request.Query["prettyPrint"].ToString(), "false", StringComparison.OrdinalIgnoreCase);
        var text = Json.Write(body, indented, sortKeys);
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = "application/json; charset=UTF-8";
        await ctx.Response.WriteAsync(text, Encoding.UTF8).ConfigureAwait(false);
    }

    private void CheckRequestFaults(string call)
    {
        lock (_gate)
        {
            foreach (var f in _requestFaults)
            {
                if (f.Remaining <= 0) continue;
                if (f.Match is not null && !f.Match.IsMatch(call)) continue;
                f.Remaining--;
                _requestFaults.RemoveAll(x => x.Remaining <= 0);
                throw f.Make();
            }
        }
    }

    private static async Task<JsonObject?> ReadBodyAsync(HttpContext ctx)
    {
        using var reader = new StreamReader(ctx.Request.Body, Encoding.UTF8);
        var text = await reader.ReadToEndAsync(ctx.RequestAborted).ConfigureAwait(false);
        if (string.IsNullOrWhiteSpace(text)) return null;
        try
        {
            return JsonNode.Parse(text) as JsonObject
                ?? throw new ApiException(400, "parseError", "Invalid JSON payload received. Expected an object.");
        }
        catch (JsonException e)
        {
            throw new ApiException(400, "parseError", $"Invalid JSON payload received. {e.Message}");
        }
    }

    private static readonly Regex Uuid = new("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$", RegexOptions.CultureInvariant);

    private static void CheckRequestId(string requestId)
    {
        if (!Uuid.IsMatch(requestId) || Guid.Parse(requestId) == Guid.Empty)
            throw ApiException.InvalidValue("requestId", requestId, "The request ID must be a valid UUID with the exception that zero UUID is not supported (00000000-0000-0000-0000-000000000000).");
    }

    private Route? Resolve(string method, string[] s)
    {
        if (s.Length < 2 || s[0] != "projects" || s[1].Length == 0) return null;
        var p = s[1];
        var t = s[2..];
        return (t, method) switch
        {
            (["regions"], "GET") => new Route { Call = "regions.list", Project = p, Handler = ListRegions },
            (["regions", var r], "GET") => new Route { Call = "regions.get", Project = p, Scope = Scope.Region(r), Handler = GetRegion },
            (["zones"], "GET") => new Route { Call = "zones.list", Project = p, Handler = ListZones },
            (["zones", var z], "GET") => new Route { Call = "zones.get", Project = p, Scope = Scope.Zone(z), Handler = GetZone },
            (["aggregated", "instances"], "GET") => new Route { Call = "instances.aggregatedList", Project = p, Handler = AggregatedInstances },
            (["global", var c, .. var more], _) => CollectionRoute(method, p, Scope.Global, c, more),
            (["regions", var r, var c, .. var more], _) => CollectionRoute(method, p, Scope.Region(r), c, more),
            (["zones", var z, var c, .. var more], _) => CollectionRoute(method, p, Scope.Zone(z), c, more),
            _ => null,
        };
    }

    private sealed record CollectionDef(
        string Name,
        ScopeKind ScopeKind,
        Func<Req, JsonNode> Insert,
        Func<Req, JsonNode> Delete,
        IReadOnlyDictionary<string, (Func<Req, JsonNode> Handler, bool Mutation)> Verbs);

    private Dictionary<string, CollectionDef> BuildCollections() => new(StringComparer.Ordinal)
    {
        ["addresses"] = new("addresses", ScopeKind.Region, InsertAddress, DeleteAddress, NoVerbs),
        ["instances"] = new("instances", ScopeKind.Zone, InsertInstance, DeleteInstance, new Dictionary<string, (Func<Req, JsonNode>, bool)>
        {
            ["addAccessConfig"] = (AddAccessConfig, true),
            ["deleteAccessConfig"] = (DeleteAccessConfig, true),
            ["setLabels"] = (SetInstanceLabels, true),
            ["setMetadata"] = (SetInstanceMetadata, true),
            ["start"] = (StartInstance, true),
            ["stop"] = (StopInstance, true),
        }),
        ["firewalls"] = new("firewalls", ScopeKind.Global, InsertFirewall, DeleteFirewall, NoVerbs),
        ["httpHealthChecks"] = new("httpHealthChecks", ScopeKind.Global, InsertHttpHealthCheck, DeleteHttpHealthCheck, NoVerbs),
        ["targetPools"] = new("targetPools", ScopeKind.Region, InsertTargetPool, DeleteTargetPool, new Dictionary<string, (Func<Req, JsonNode>, bool)>
        {
            ["addInstance"] = (AddPoolInstance, true),
            ["removeInstance"] = (RemovePoolInstance, true),
            ["getHealth"] = (GetPoolHealth, false),
        }),
        ["forwardingRules"] = new("forwardingRules", ScopeKind.Region, InsertForwardingRule, DeleteForwardingRule, NoVerbs),
    };

    private static readonly IReadOnlyDictionary<string, (Func<Req, JsonNode>, bool)> NoVerbs =
        new Dictionary<string, (Func<Req, JsonNode>, bool)>();

    private Route? CollectionRoute(string method, string p, Scope scope, string c, string[] more)
    {
        if (c == "operations")
        {
            var call = scope.OperationsCall;
            return (more, method) switch
            {
                ([var op], "GET") => new Route { Call = $"{call}.get", Project = p, Scope = scope, Name = op, Handler = GetOperation },
                ([var op, "wait"], "POST") => new Route { Call = $"{call}.wait", Project = p, Scope = scope, Name = op, IsWait = true },
                _ => null,
            };
        }
        if (!_collections.TryGetValue(c, out var def) || def.ScopeKind != scope.Kind) return null;
        return (more, method) switch
        {
            ([], "GET") => new Route { Call = $"{c}.list", Project = p, Scope = scope, Handler = r => List(r, c) },
            ([], "POST") => new Route { Call = $"{c}.insert", Project = p, Scope = scope, IsMutation = true, NeedsBody = true, Handler = def.Insert },
            ([var n], "GET") => new Route { Call = $"{c}.get", Project = p, Scope = scope, Name = n, Handler = r => Get(r, c) },
            ([var n, "getGuestAttributes"], "GET") when c == "instances" => new Route
            {
                Call = "instances.getGuestAttributes", Project = p, Scope = scope, Name = n, Handler = GetGuestAttributes,
            },
            ([var n], "DELETE") => new Route { Call = $"{c}.delete", Project = p, Scope = scope, Name = n, IsMutation = true, Handler = def.Delete },
            ([var n, var verb], "POST") when def.Verbs.TryGetValue(verb, out var v) => new Route
            {
                Call = $"{c}.{verb}", Project = p, Scope = scope, Name = n, IsMutation = v.Mutation, NeedsBody = true, Handler = v.Handler,
            },
            _ => null,
        };
    }

    private sealed class QuietLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
