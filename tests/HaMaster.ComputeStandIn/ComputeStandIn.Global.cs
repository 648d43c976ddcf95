using System.Text.Json.Nodes;

namespace HaMaster.Testing.Compute;

public sealed partial class ComputeStandIn
{
    // ---- firewalls ---------------------------------------------------------------------------------

    private JsonObject RenderFirewall(FirewallResource f)
    {
        var o = CommonFields(f, "compute#firewall");
        if (f.Allowed is not null) o.Put("allowed", f.Allowed.DeepClone());
        if (f.Denied is not null) o.Put("denied", f.Denied.DeepClone());
        o["description"] = f.Description;
        o.Put("destinationRanges", Json.Strings(f.DestinationRanges));
        o["direction"] = f.Direction;
        o["disabled"] = f.Disabled;
        o["logConfig"] = new JsonObject { ["enable"] = false };
        o["network"] = SelfLink(f.Network);
        o["priority"] = f.Priority;
        o.Put("sourceRanges", Json.Strings(f.SourceRanges));
        o.Put("sourceTags", Json.Strings(f.SourceTags));
        o.Put("targetTags", Json.Strings(f.TargetTags));
        return o;
    }

    private static JsonArray? ReadRules(JsonObject body, string key)
    {
        var array = Json.Arr(body, key, $"resource.{key}");
        if (array is null || array.Count == 0) return null;
        var rules = new JsonArray();
        for (var k = 0; k < array.Count; k++)
        {
            var field = $"resource.{key}[{k}]";
            var rule = array[k] as JsonObject ?? throw ApiException.InvalidValue(field, "", "Expected an object.");
            var protocol = Json.Str(rule, "IPProtocol", $"{field}.IPProtocol") ?? throw ApiException.Required($"{field}.IPProtocol");
            var ports = Json.StrList(rule, "ports", $"{field}.ports");
            foreach (var port in ports)
            {
                var parts = port.Split('-');
                if (parts.Length > 2 || parts.Any(p => !int.TryParse(p, out var n) || n is < 0 or > 65535))
                    throw ApiException.InvalidValue($"{field}.ports", port, "Invalid port or port range.");
            }
            var o = new JsonObject { ["IPProtocol"] = protocol };
            o.Put("ports", Json.Strings(ports));
            rules.Add(o);
        }
        return rules;
    }

    private JsonNode InsertFirewall(Req r)
    {
        var body = r.Body ?? throw ApiException.Required("resource");
        var reference = ReserveName(r, "firewalls", Json.Str(body, "name", "resource.name"));
        var networkText = Json.Str(body, "network", "resource.network") ?? "global/networks/default";
        var network = ParseRef(r.Project, networkText, "networks", "resource.network");
        var direction = Json.Str(body, "direction", "resource.direction") ?? "INGRESS";
        if (direction is not ("INGRESS" or "EGRESS")) throw ApiException.InvalidValue("resource.direction", direction, "Must be INGRESS or EGRESS.");
        var priority = Json.Long(body, "priority", "resource.priority") ?? 1000;
        if (priority is < 0 or > 65535) throw ApiException.InvalidValue("resource.priority", priority.ToString(), "Must be between 0 and 65535.");
        var allowed = ReadRules(body, "allowed");
        var denied = ReadRules(body, "denied");
        if ((allowed is null) == (denied is null))
            throw ApiException.InvalidValue("resource", "", "Exactly one of 'allowed' or 'denied' must be specified.");
        var sourceRanges = Json.StrList(body, "sourceRanges", "resource.sourceRanges");
        var sourceTags = Json.StrList(body, "sourceTags", "resource.sourceTags");
        var destinationRanges = Json.StrList(body, "destinationRanges", "resource.destinationRanges");
        // Without any source the real API applies an ingress rule to 0.0.0.0/0 and shows it so.
        if (direction == "INGRESS" && sourceRanges.Count == 0 && sourceTags.Count == 0) sourceRanges.Add("0.0.0.0/0");
        if (direction == "EGRESS" && destinationRanges.Count == 0) destinationRanges.Add("0.0.0.0/0");
        var firewall = new FirewallResource
        {
            Project = r.Project,
            Scope = Scope.Global,
            Name = reference.Name,
            Id = NewId(),
            Created = r.Now,
            Description = Json.Str(body, "description", "resource.description") ?? "",
            Network = network.Path,
            Direction = direction,
            Priority = priority,
            Disabled = Json.Bool(body, "disabled", "resource.disabled") ?? false,
            Allowed = allowed,
            Denied = denied,
            SourceRanges = sourceRanges,
            SourceTags = sourceTags,
            DestinationRanges = destinationRanges,
            TargetTags = Json.StrList(body, "targetTags", "resource.targetTags"),
        };
        return InsertOperation(r, reference, firewall.Id, () => null, () => firewall);
    }

    private JsonNode DeleteFirewall(Req r) => DeleteOperation(r, RequirePathResource<FirewallResource>(r, "firewalls"));

    // ---- httpHealthChecks --------------------------------------------------------------------------

    private JsonObject RenderHttpHealthCheck(HttpHealthCheckResource h)
    {
        var o = CommonFields(h, "compute#httpHealthCheck");
        o["checkIntervalSec"] = h.CheckIntervalSec;
        o["description"] = h.Description;
        o["healthyThreshold"] = h.HealthyThreshold;
        if (h.Host is not null) o["host"] = h.Host;
        o["port"] = h.Port;
        o["requestPath"] = h.RequestPath;
        o["timeoutSec"] = h.TimeoutSec;
        o["unhealthyThreshold"] = h.UnhealthyThreshold;
        return o;
    }

    private JsonNode InsertHttpHealthCheck(Req r)
    {
        var body = r.Body ?? throw ApiException.Required("resource");
        var reference = ReserveName(r, "httpHealthChecks", Json.Str(body, "name", "resource.name"));
        long Positive(string key, long fallback, long max)
        {
            var v = Json.Long(body, key, $"resource.{key}") ?? fallback;
            if (v < 1 || v > max) throw ApiException.InvalidValue($"resource.{key}", v.ToString(), $"Must be between 1 and {max}.");
            return v;
        }
        var check = new HttpHealthCheckResource
        {
            Project = r.Project,
            Scope = Scope.Global,
            Name = reference.Name,
            Id = NewId(),
            Created = r.Now,
            Description = Json.Str(body, "description", "resource.description") ?? "",
            Host = NonEmpty(Json.Str(body, "host", "resource.host")),
            Port = Positive("port", 80, 65535),
            RequestPath = Json.Str(body, "requestPath", "resource.requestPath") ?? "/",
            CheckIntervalSec = Positive("checkIntervalSec", 5, 300),
            TimeoutSec = Positive("timeoutSec", 5, 300),
            HealthyThreshold = Positive("healthyThreshold", 2, 10),
            UnhealthyThreshold = Positive("unhealthyThreshold", 2, 10),
        };
        if (check.TimeoutSec > check.CheckIntervalSec)
            throw ApiException.InvalidValue("resource.timeoutSec", check.TimeoutSec.ToString(), "Timeout must be less than or equal to check interval.");
        return InsertOperation(r, reference, check.Id, () => null, () => check);
    }

    private JsonNode DeleteHttpHealthCheck(Req r)
    {
        var h = RequirePathResource<HttpHealthCheckResource>(r, "httpHealthChecks");
        ApiException? Refusal()
        {
            var pool = _resources.Values.OfType<TargetPoolResource>().FirstOrDefault(t => t.HealthChecks.Contains(h.Ref));
            return pool is null ? null : ApiException.InUse("http_health_check", h.Path, pool.Path);
        }
        var refusal = Refusal();
        if (refusal is not null) throw refusal;
        return DeleteOperation(r, h, check: Refusal);
    }
}
