using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace HaMaster.Testing.Compute;

public sealed partial class ComputeStandIn
{
    private sealed class Operation
    {
        public required ulong Id { get; init; }
        public required string Name { get; init; }
        public required string Project { get; init; }
        public required Scope Scope { get; init; }
        public required string Type { get; init; }
        public required string Call { get; init; }
        public required string TargetLink { get; init; }
        public required ulong TargetId { get; init; }
        public required string? RequestId { get; init; }
        public required DateTimeOffset Inserted { get; init; }
        public required DateTimeOffset Due { get; init; }
        public required long Seq { get; init; }
        public required Func<ApiException?> Apply { get; init; }
        public Action? Abort { get; init; }
        public (string Code, string Message, int Http)? InjectedFailure { get; init; }
        public (string Code, string Message, int Http)? Error { get; set; }
        public DateTimeOffset? Ended { get; set; }
        public bool IsDone => Ended is not null;
        public TaskCompletionSource DoneSignal { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public string Key => OperationKey(Project, Scope, Name);
    }

    private static string OperationKey(string project, Scope scope, string name) => $"{project}/{scope.Path}/{name}";

    private readonly Dictionary<string, Operation> _operations = new(StringComparer.Ordinal);
    private readonly List<Operation> _pending = new();
    private readonly Dictionary<string, Operation> _byRequestId = new(StringComparer.Ordinal);
    private long _seq;

    /// <summary>
    /// Answers a mutation: records an Operation RUNNING with progress 0 whose <paramref name="apply"/>
    /// runs when it is due (then DONE). <paramref name="apply"/> validates again and returns an error
    /// (which ends the operation with it) before it changes anything; <paramref name="abort"/> undoes
    /// what the request did at once (a reserved name, an intermediate status) when the operation fails.
    /// </summary>
    private JsonObject StartOperation(
        Req r,
        string operationType,
        ResourceRef target,
        ulong targetId,
        Func<ApiException?> apply,
        Action? abort = null)
    {
        var opScope = target.Scope;
        var latency = OperationLatency;
        foreach (var (match, l) in _latencyRules)
        {
            if (match.IsMatch(r.Call))
            {
                latency = l;
                break;
            }
        }

        (string, string, int)? failure = null;
        foreach (var f in _operationFaults)
        {
            if (f.Remaining <= 0 || !f.Match.IsMatch(r.Call)) continue;
            if (f.TargetName is not null && f.TargetName != target.Name) continue;
            f.Remaining--;
            failure = (f.Code, f.Message ?? $"Operation {r.Call} on '{target.Path}' failed ({f.Code}, injected by the Compute stand-in).", f.Http);
            break;
        }
        _operationFaults.RemoveAll(x => x.Remaining <= 0);

        var op = new Operation
        {
            Id = NewId(),
            Name = NewOperationName(r.Now),
            Project = r.Project,
            Scope = opScope,
            Type = operationType,
            Call = r.Call,
            TargetLink = SelfLink(target.Path),
            TargetId = targetId,
            RequestId = r.RequestId,
            Inserted = r.Now,
            Due = r.Now + (latency < TimeSpan.Zero ? TimeSpan.Zero : latency),
            Seq = ++_seq,
            Apply = apply,
            Abort = abort,
            InjectedFailure = failure,
        };
        _operations[op.Key] = op;
        _pending.Add(op);
        if (r.RequestId is not null) _byRequestId[$"{r.Project}/{r.RequestId}"] = op;
        return RenderOperation(op, r.Now);
    }

    /// <summary>Completes, in order, every operation that is due at <paramref name="now"/>. Call under the lock.</summary>
    private void Advance(DateTimeOffset now)
    {
        while (true)
        {
            Operation? next = null;
            foreach (var op in _pending)
            {
                if (op.Due > now) continue;
                if (next is null || op.Due < next.Due || (op.Due == next.Due && op.Seq < next.Seq)) next = op;
            }
            if (next is null) return;
            Complete(next);
        }
    }

    /// <summary>The completion time of the operation being applied (its due time).</summary>
    private DateTimeOffset _applyTime;

    private void Complete(Operation op)
    {
        _pending.Remove(op);
        _applyTime = op.Due;
        if (op.InjectedFailure is { } f)
        {
            op.Abort?.Invoke();
            op.Error = f;
        }
        else
        {
            ApiException? e;
            try
            {
                e = op.Apply();
            }
            catch (ApiException x)
            {
                e = x;
            }
            if (e is not null)
            {
                op.Abort?.Invoke();
                op.Error = (e.OperationCode, e.Message, e.Status);
            }
        }
        op.Ended = op.Due;
        op.DoneSignal.TrySetResult();
    }

    private JsonObject RenderOperation(Operation op, DateTimeOffset now)
    {
        var o = new JsonObject
        {
            ["id"] = Json.Int64(op.Id),
            ["insertTime"] = Timestamp(op.Inserted),
            ["kind"] = "compute#operation",
            ["name"] = op.Name,
            ["operationType"] = op.Type,
            ["progress"] = op.IsDone ? 100 : 0,
            ["selfLink"] = SelfLink($"{Links.ScopePath(op.Project, op.Scope)}/operations/{op.Name}"),
            ["startTime"] = Timestamp(op.Inserted),
            ["status"] = op.IsDone ? "DONE" : "RUNNING",
            ["targetId"] = Json.Int64(op.TargetId),
            ["targetLink"] = op.TargetLink,
            ["user"] = User,
        };
        switch (op.Scope.Kind)
        {
            case ScopeKind.Zone:
                o["zone"] = SelfLink($"projects/{op.Project}/zones/{op.Scope.Name}");
                break;
            case ScopeKind.Region:
                o["region"] = SelfLink($"projects/{op.Project}/regions/{op.Scope.Name}");
                break;
        }
        if (op.Ended is { } ended) o["endTime"] = Timestamp(ended);
        if (op.Error is { } err)
        {
            o["error"] = new JsonObject
            {
                ["errors"] = new JsonArray(new JsonObject { ["code"] = err.Code, ["message"] = err.Message }),
            };
            o["httpErrorStatusCode"] = err.Http;
            o["httpErrorMessage"] = ApiException.HttpMessage(err.Http);
        }
        return o;
    }

    private Operation FindOperation(string project, Scope scope, string name)
    {
        if (_operations.TryGetValue(OperationKey(project, scope, name), out var op)) return op;
        throw ApiException.NotFound($"{Links.ScopePath(project, scope)}/operations/{name}");
    }

    private JsonNode GetOperation(Req r)
    {
        CheckScope(r.Project, r.Scope);
        return RenderOperation(FindOperation(r.Project, r.Scope, r.Name), r.Now);
    }

    /// <summary>
    /// <c>POST …/operations/{op}/wait</c>: returns when the operation is DONE or when <see cref="WaitCap"/>
    /// has passed, whichever is first; in the second case the operation is still RUNNING, as the real
    /// wait may answer before DONE.
    /// </summary>
    private async Task<JsonNode> WaitAsync(Route route, CancellationToken cancellationToken)
    {
        var started = DateTimeOffset.UtcNow;
        var deadline = started + WaitCap;
        while (true)
        {
            Operation op;
            TimeSpan delay;
            lock (_gate)
            {
                var now = DateTimeOffset.UtcNow;
                Advance(now);
                CheckScope(route.Project, route.Scope);
                op = FindOperation(route.Project, route.Scope, route.Name!);
                if (op.IsDone || now >= deadline) return RenderOperation(op, now);
                var untilDue = op.Due - now;
                var untilDeadline = deadline - now;
                delay = untilDue < untilDeadline ? untilDue : untilDeadline;
            }
            if (delay < TimeSpan.FromMilliseconds(1)) delay = TimeSpan.FromMilliseconds(1);
            await Task.WhenAny(op.DoneSignal.Task, Task.Delay(delay, cancellationToken)).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    // ---- helpers shared by every collection --------------------------------------------------------

    private static ulong NewId() => (ulong)Random.Shared.NextInt64(1_000_000_000_000_000_000, long.MaxValue);

    private static string NewOperationName(DateTimeOffset now)
    {
        static string Hex(int chars)
        {
            var bytes = RandomNumberGenerator.GetBytes((chars + 1) / 2);
            return Convert.ToHexString(bytes).ToLowerInvariant()[..chars];
        }
        return $"operation-{now.ToUnixTimeMilliseconds()}-{Hex(13)}-{Hex(8)}-{Hex(8)}";
    }

    /// <summary>RFC 3339 with milliseconds and the Pacific offset the real API uses, e.g. <c>2013-06-26T12:21:40.625-07:00</c>.</summary>
    private static string Timestamp(DateTimeOffset t) =>
        t.ToOffset(TimeSpan.FromHours(-7)).ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz", CultureInfo.InvariantCulture);

    private string SelfLink(string path) => SelfLinkBase + path;

    private string NestedLink(string path) => NestedLinkBase + path;

    /// <summary>8-byte base64 fingerprint of a canonical text; the empty text gives the real API's empty fingerprint.</summary>
    private static string Fingerprint(string canonical)
    {
        if (canonical.Length == 0) return "42WmSpB8rSM=";
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(canonical));
        return Convert.ToBase64String(hash, 0, 8);
    }

    private static string LabelsFingerprint(IReadOnlyDictionary<string, string> labels) =>
        Fingerprint(string.Join("\n", labels.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}")));

    private T? Find<T>(ResourceRef r) where T : Resource =>
        _resources.TryGetValue(r.Path, out var res) ? res as T : null;

    private T Require<T>(ResourceRef r) where T : Resource =>
        Find<T>(r) ?? throw ApiException.NotFound(r.Path);

    /// <summary>The resource named (or numbered) by the request path, or 404.</summary>
    private T RequirePathResource<T>(Req r, string collection) where T : Resource
    {
        CheckScope(r.Project, r.Scope);
        var name = r.Name;
        if (!Links.IsValidPathParameter(name)) throw ApiException.InvalidParameter(name, Links.PathParameterPattern);
        var reference = new ResourceRef(r.Project, r.Scope, collection, name);
        if (name[0] is >= '1' and <= '9' && ulong.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            var byId = _resources.Values.OfType<T>().FirstOrDefault(x => x.Id == id && x.Project == r.Project && x.Scope == r.Scope && x.Collection == collection);
            if (byId is not null) return byId;
        }
        return Require<T>(reference);
    }

    private void CheckNotDeleting(Resource res)
    {
        if (_pendingDeletes.Contains(res.Path)) throw ApiException.NotReady(res.Path);
    }

    /// <summary>Name checks and the 409 of an insert; reserves the name until the insert ends.</summary>
    private ResourceRef ReserveName(Req r, string collection, string? name)
    {
        CheckScope(r.Project, r.Scope);
        if (name is null) throw ApiException.Required("resource.name");
        if (!Links.IsValidName(name))
            throw ApiException.InvalidValue("resource.name", name, $"Must be a match of regex '(?:{Links.NamePattern})'");
        var reference = new ResourceRef(r.Project, r.Scope, collection, name);
        if (_resources.ContainsKey(reference.Path) || _pendingInserts.Contains(reference.Path))
            throw ApiException.AlreadyExists(reference.Path);
        return reference;
    }

    private readonly Dictionary<string, Resource> _resources = new(StringComparer.Ordinal);
    private readonly HashSet<string> _pendingInserts = new(StringComparer.Ordinal);
    private readonly HashSet<string> _pendingDeletes = new(StringComparer.Ordinal);

    /// <summary>The usual insert: reserve the name, then add <paramref name="make"/>'s resource when DONE.</summary>
    private JsonObject InsertOperation(Req r, ResourceRef reference, ulong id, Func<ApiException?> check, Func<Resource> make)
    {
        _pendingInserts.Add(reference.Path);
        return StartOperation(r, "insert", reference, id,
            apply: () =>
            {
                var e = check();
                if (e is not null) return e;
                _pendingInserts.Remove(reference.Path);
                var res = make();
                _resources[res.Path] = res;
                return null;
            },
            abort: () => _pendingInserts.Remove(reference.Path));
    }

    /// <summary>The usual delete: 400 if still being deleted, then remove when DONE.</summary>
    private JsonObject DeleteOperation(Req r, Resource res, Func<ApiException?>? check = null, Action? onRemoved = null, Action? onAbort = null)
    {
        CheckNotDeleting(res);
        _pendingDeletes.Add(res.Path);
        return StartOperation(r, "delete", res.Ref, res.Id,
            apply: () =>
            {
                var e = check?.Invoke();
                if (e is not null) return e;
                _pendingDeletes.Remove(res.Path);
                _resources.Remove(res.Path);
                onRemoved?.Invoke();
                return null;
            },
            abort: () =>
            {
                _pendingDeletes.Remove(res.Path);
                onAbort?.Invoke();
            });
    }

    private JsonNode Get(Req r, string collection)
    {
        var res = RequirePathResource<Resource>(r, collection);
        return Render(res, r.Now);
    }

    private JsonNode List(Req r, string collection)
    {
        CheckScope(r.Project, r.Scope);
        var items = _resources.Values
            .Where(x => x.Project == r.Project && x.Scope == r.Scope && x.Collection == collection)
            .Select(x => Render(x, r.Now));
        var kind = collection switch
        {
            "addresses" => "compute#addressList",
            "instances" => "compute#instanceList",
            "firewalls" => "compute#firewallList",
            "httpHealthChecks" => "compute#httpHealthCheckList",
            "targetPools" => "compute#targetPoolList",
            "forwardingRules" => "compute#forwardingRuleList",
            _ => throw new InvalidOperationException(collection),
        };
        return ListPage(r, kind, $"{Links.ScopePath(r.Project, r.Scope)}/{collection}", items);
    }

    /// <summary>A list envelope: kind, id, selfLink, items (left out when empty), nextPageToken (only when there is more).</summary>
    private JsonObject ListPage(Req r, string kind, string idPath, IEnumerable<JsonObject> items)
    {
        var query = ListQuery.Parse(r.Query);
        var page = query.Apply(items, out var next);
        var o = new JsonObject
        {
            ["id"] = idPath,
            ["kind"] = kind,
            ["selfLink"] = SelfLink(idPath),
        };
        o.Put("items", new JsonArray(page.Select(x => (JsonNode)x).ToArray()));
        if (next is not null) o["nextPageToken"] = next;
        return o;
    }

    private JsonObject Render(Resource res, DateTimeOffset now) => res switch
    {
        AddressResource a => RenderAddress(a),
        InstanceResource i => RenderInstance(i, now),
        FirewallResource f => RenderFirewall(f),
        HttpHealthCheckResource h => RenderHttpHealthCheck(h),
        TargetPoolResource t => RenderTargetPool(t),
        ForwardingRuleResource f => RenderForwardingRule(f),
        _ => throw new InvalidOperationException(res.GetType().Name),
    };

    private JsonObject CommonFields(Resource res, string kind)
    {
        var o = new JsonObject
        {
            ["creationTimestamp"] = Timestamp(res.Created),
            ["id"] = Json.Int64(res.Id),
            ["kind"] = kind,
            ["name"] = res.Name,
            ["selfLink"] = SelfLink(res.Path),
        };
        return o;
    }

    /// <summary>Parses a reference from a body field; 400 when it is not a link to <paramref name="collection"/>.</summary>
    private static ResourceRef ParseRef(string project, string value, string collection, string field)
    {
        if (!Links.TryParse(value, project, out var reference) || reference.Collection != collection)
            throw ApiException.InvalidValue(field, value, $"The URL is malformed or is not a reference to a {collection} resource.");
        return reference;
    }

    // ---- labels ------------------------------------------------------------------------------------

    private static readonly System.Text.RegularExpressions.Regex LabelKey = new("^[a-z][a-z0-9_-]{0,62}$");
    private static readonly System.Text.RegularExpressions.Regex LabelValue = new("^[a-z0-9_-]{0,63}$");

    private static SortedDictionary<string, string> ReadLabels(JsonObject? body, string field)
    {
        var labels = Json.StrMap(body, "labels", field);
        if (labels.Count > 64) throw ApiException.InvalidValue(field, "", "A resource can have at most 64 labels.");
        foreach (var (k, v) in labels)
        {
            if (!LabelKey.IsMatch(k))
                throw ApiException.InvalidValue(field, "", $"Label key '{k}' violates format constraints. The key must start with a lowercase character, can only contain lowercase letters, numeric characters, underscores and dashes. The key can be at most 63 characters long.");
            if (!LabelValue.IsMatch(v))
                throw ApiException.InvalidValue(field, "", $"Label value '{v}' violates format constraints. The value can only contain lowercase letters, numeric characters, underscores and dashes. The value can be at most 63 characters long.");
        }
        return labels;
    }
}
