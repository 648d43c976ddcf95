using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace HaMaster.Testing.Compute;

public sealed partial class ComputeStandIn
{
    // ---- targetPools -------------------------------------------------------------------------------

    private JsonObject RenderTargetPool(TargetPoolResource t)
    {
        var o = CommonFields(t, "compute#targetPool");
        if (t.BackupPool is { } backup) o["backupPool"] = NestedLink(backup.Path);
        o["description"] = t.Description;
        if (t.FailoverRatio is { } ratio) o["failoverRatio"] = ratio;
        o.Put("healthChecks", Json.Strings(t.HealthChecks.Select(h => NestedLink(h.Path))));
        o.Put("instances", Json.Strings(t.Instances.Select(i => NestedLink(i.Path))));
        o["region"] = SelfLink($"projects/{t.Project}/regions/{t.Scope.Name}");
        o["sessionAffinity"] = t.SessionAffinity;
        return o;
    }

    /// <summary>An instance given by URL that must exist and be in the pool's region.</summary>
    private InstanceResource RequireRegionalInstance(string project, string region, string url, string field)
    {
        var reference = ParseRef(project, url, "instances", field);
        var instance = Require<InstanceResource>(reference);
        if (instance.Region != region)
            throw ApiException.InvalidValue(field, url, $"The instance must be in a zone of region {region}.");
        return instance;
    }

    private JsonNode InsertTargetPool(Req r)
    {
        var body = r.Body ?? throw ApiException.Required("resource");
        var reference = ReserveName(r, "targetPools", Json.Str(body, "name", "resource.name"));
        var region = r.Scope.Name;
        var affinity = Json.Str(body, "sessionAffinity", "resource.sessionAffinity") ?? "NONE";
        if (affinity is not ("NONE" or "CLIENT_IP" or "CLIENT_IP_PROTO"))
            throw ApiException.InvalidValue("resource.sessionAffinity", affinity, "Must be NONE, CLIENT_IP or CLIENT_IP_PROTO.");
        var ratio = Json.Double(body, "failoverRatio", "resource.failoverRatio");
        if (ratio is < 0 or > 1) throw ApiException.InvalidValue("resource.failoverRatio", ratio.Value.ToString(CultureInfo.InvariantCulture), "Must be between 0 and 1.");

        ResourceRef? backup = null;
        var backupText = Json.Str(body, "backupPool", "resource.backupPool");
        if (backupText is not null)
        {
            backup = ParseRef(r.Project, backupText, "targetPools", "resource.backupPool");
            Require<TargetPoolResource>(backup.Value);
        }

        var healthChecks = new List<ResourceRef>();
        var hcTexts = Json.StrList(body, "healthChecks", "resource.healthChecks");
        if (hcTexts.Count > 1) throw ApiException.InvalidValue("resource.healthChecks", "", "A target pool can have at most one health check.");
        foreach (var text in hcTexts)
        {
            var hc = ParseRef(r.Project, text, "httpHealthChecks", "resource.healthChecks[0]");
            Require<HttpHealthCheckResource>(hc);
            healthChecks.Add(hc);
        }

        var instances = new List<ResourceRef>();
        var instanceTexts = Json.StrList(body, "instances", "resource.instances");
        for (var k = 0; k < instanceTexts.Count; k++)
        {
            var inst = RequireRegionalInstance(r.Project, region, instanceTexts[k], $"resource.instances[{k}]");
            if (!instances.Contains(inst.Ref)) instances.Add(inst.Ref);
        }

        var id = NewId();
        var created = r.Now;
        var description = Json.Str(body, "description", "resource.description") ?? "";
        return InsertOperation(r, reference, id,
            check: () =>
            {
                foreach (var hc in healthChecks)
                {
                    if (Find<HttpHealthCheckResource>(hc) is null) return ApiException.NotFound(hc.Path);
                }
                if (backup is { } b && Find<TargetPoolResource>(b) is null) return ApiException.NotFound(b.Path);
                return null;
            },
            make: () =>
            {
                var pool = new TargetPoolResource
                {
                    Project = r.Project,
                    Scope = r.Scope,
                    Name = reference.Name,
                    Id = id,
                    Created = created,
                    Description = description,
                    SessionAffinity = affinity,
                    FailoverRatio = ratio,
                    BackupPool = backup,
                    HealthChecks = healthChecks,
                };
                pool.Instances.AddRange(instances);
                return pool;
            });
    }

    private JsonNode DeleteTargetPool(Req r)
    {
        var t = RequirePathResource<TargetPoolResource>(r, "targetPools");
        ApiException? Refusal()
        {
            var rule = _resources.Values.OfType<ForwardingRuleResource>().FirstOrDefault(f => f.Target == t.Ref);
            if (rule is not null) return ApiException.InUse("target_pool", t.Path, rule.Path);
            var user = _resources.Values.OfType<TargetPoolResource>().FirstOrDefault(p => p.BackupPool == t.Ref && !ReferenceEquals(p, t));
            return user is null ? null : ApiException.InUse("target_pool", t.Path, user.Path);
        }
        var refusal = Refusal();
        if (refusal is not null) throw refusal;
        return DeleteOperation(r, t, check: Refusal);
    }

    private List<string> ReadPoolInstances(JsonObject? body)
    {
        var array = Json.Arr(body, "instances", "resource.instances");
        if (array is null || array.Count == 0) throw ApiException.Required("resource.instances");
        var urls = new List<string>();
        for (var k = 0; k < array.Count; k++)
        {
            var item = array[k] as JsonObject ?? throw ApiException.InvalidValue($"resource.instances[{k}]", "", "Expected an object.");
            urls.Add(Json.Str(item, "instance", $"resource.instances[{k}].instance") ?? throw ApiException.Required($"resource.instances[{k}].instance"));
        }
        return urls;
    }

    /// <summary>
    /// 400 resourceNotReady while another addInstance or removeInstance on the pool is running: Compute
    /// Engine refuses a change to a resource while another operation on it runs.
    /// </summary>
    private void CheckNoMembershipChangeRunning(TargetPoolResource t)
    {
        var link = SelfLink(t.Path);
        if (_pending.Any(op => op.TargetLink == link && op.Type is ("AddInstance" or "RemoveInstance")))
            throw ApiException.NotReady(t.Path);
    }

    private JsonNode AddPoolInstance(Req r)
    {
        var t = RequirePathResource<TargetPoolResource>(r, "targetPools");
        CheckNotDeleting(t);
        CheckNoMembershipChangeRunning(t);
        var urls = ReadPoolInstances(r.Body);
        var refs = urls.Select((u, k) => RequireRegionalInstance(r.Project, t.Scope.Name, u, $"resource.instances[{k}].instance").Ref).ToList();
        return StartOperation(r, "AddInstance", t.Ref, t.Id, () =>
        {
            if (!Alive(t)) return ApiException.NotFound(t.Path);
            foreach (var reference in refs)
            {
                if (Find<InstanceResource>(reference) is null) return ApiException.NotFound(reference.Path);
            }
            // Adding a member that is already there changes nothing.
            foreach (var reference in refs)
            {
                if (!t.Instances.Contains(reference)) t.Instances.Add(reference);
            }
            return null;
        });
    }

    private JsonNode RemovePoolInstance(Req r)
    {
        var t = RequirePathResource<TargetPoolResource>(r, "targetPools");
        CheckNotDeleting(t);
        CheckNoMembershipChangeRunning(t);
        var urls = ReadPoolInstances(r.Body);
        var refs = urls.Select((u, k) => ParseRef(r.Project, u, "instances", $"resource.instances[{k}].instance")).ToList();
        // Members need not exist any more (a deleted VM stays listed until removed), but must be members,
        // as the real API answers (cloudfoundry/bosh-google-cpi-release#318).
        ApiException? NotAMember()
        {
            var k = refs.FindIndex(reference => !t.Instances.Contains(reference));
            return k < 0 ? null : ApiException.InvalidValue("resource.instance", urls[k], "Instance is not currently attached to this target pool.");
        }
        var refusal = NotAMember();
        if (refusal is not null) throw refusal;
        return StartOperation(r, "RemoveInstance", t.Ref, t.Id, () =>
        {
            if (!Alive(t)) return ApiException.NotFound(t.Path);
            var e = NotAMember();
            if (e is not null) return e;
            t.Instances.RemoveAll(refs.Contains);
            return null;
        });
    }

    /// <summary>
    /// targetPools.getHealth: one healthStatus entry per forwarding rule that targets the pool
    /// (ipAddress is the rule's IP), none (the field left out) without a rule. A pool without a health
    /// check reports every member HEALTHY, as GCE does; otherwise the health set with
    /// <see cref="SetHealth"/> or <see cref="DefaultHealth"/>. 400 for a non-member; 400 resourceNotReady
    /// for a member that is not RUNNING; 404 for a member that no longer exists.
    /// </summary>
    private JsonNode GetPoolHealth(Req r)
    {
        var t = RequirePathResource<TargetPoolResource>(r, "targetPools");
        var body = r.Body ?? throw ApiException.Required("resource");
        var url = Json.Str(body, "instance", "resource.instance") ?? throw ApiException.Required("resource.instance");
        var reference = ParseRef(r.Project, url, "instances", "resource.instance");
        if (!t.Instances.Contains(reference))
            throw ApiException.InvalidValue("resource.instance", url, $"The instance is not a member of target pool '{t.Path}'.");
        var instance = Require<InstanceResource>(reference);
        if (EffectiveStatus(instance, r.Now) != "RUNNING") throw ApiException.NotReady(instance.Path);
        var state = t.HealthChecks.Count == 0
            ? "HEALTHY"
            : _health.TryGetValue(instance.Name, out var set) ? set : DefaultHealth;
        var rules = _resources.Values.OfType<ForwardingRuleResource>()
            .Where(f => f.Target == t.Ref)
            .OrderBy(f => f.Name, StringComparer.Ordinal);
        var o = new JsonObject { ["kind"] = "compute#targetPoolInstanceHealth" };
        o.Put("healthStatus", new JsonArray(rules.Select(f => (JsonNode)new JsonObject
        {
            ["healthState"] = state,
            ["instance"] = SelfLink(instance.Path),
            ["ipAddress"] = f.Ip,
        }).ToArray()));
        return o;
    }

    // ---- forwardingRules ---------------------------------------------------------------------------

    private static readonly Regex PortRange = new(@"^(\d{1,5})(?:-(\d{1,5}))?$", RegexOptions.CultureInvariant);

    private JsonObject RenderForwardingRule(ForwardingRuleResource f)
    {
        var o = CommonFields(f, "compute#forwardingRule");
        o["IPAddress"] = f.Ip;
        o["IPProtocol"] = f.IpProtocol;
        o["description"] = f.Description;
        o["fingerprint"] = Fingerprint($"{f.Path}|{f.Ip}|{f.Target.Path}|{LabelsFingerprint(f.Labels)}");
        o["labelFingerprint"] = LabelsFingerprint(f.Labels);
        o.Put("labels", Json.Map(f.Labels));
        o["loadBalancingScheme"] = f.LoadBalancingScheme;
        o["networkTier"] = f.NetworkTier;
        if (f.PortRange is not null) o["portRange"] = f.PortRange;
        o.Put("ports", Json.Strings(f.Ports));
        o["region"] = SelfLink($"projects/{f.Project}/regions/{f.Scope.Name}");
        o["target"] = NestedLink(f.Target.Path);
        return o;
    }

    private JsonNode InsertForwardingRule(Req r)
    {
        var body = r.Body ?? throw ApiException.Required("resource");
        var reference = ReserveName(r, "forwardingRules", Json.Str(body, "name", "resource.name"));
        var region = r.Scope.Name;

        var protocol = Json.Str(body, "IPProtocol", "resource.IPProtocol") ?? "TCP";
        if (protocol is not ("TCP" or "UDP" or "ESP" or "AH" or "SCTP" or "ICMP" or "L3_DEFAULT"))
            throw ApiException.InvalidValue("resource.IPProtocol", protocol, "Must be TCP, UDP, ESP, AH, SCTP, ICMP or L3_DEFAULT.");
        var portRangeText = Json.Str(body, "portRange", "resource.portRange");
        var ports = Json.StrList(body, "ports", "resource.ports");
        if (portRangeText is not null && ports.Count > 0)
            throw ApiException.InvalidValue("resource.ports", "", "portRange and ports cannot both be specified.");
        if (ports.Count > 5) throw ApiException.InvalidValue("resource.ports", "", "At most 5 ports can be specified.");
        string? portRange = null;
        if (portRangeText is not null)
        {
            var m = PortRange.Match(portRangeText);
            var low = m.Success ? int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : -1;
            var high = m.Success && m.Groups[2].Success ? int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture) : low;
            if (!m.Success || low < 1 || high > 65535 || high < low)
                throw ApiException.InvalidValue("resource.portRange", portRangeText, "Invalid port range.");
            portRange = $"{low}-{high}";
        }

        var scheme = Json.Str(body, "loadBalancingScheme", "resource.loadBalancingScheme") ?? "EXTERNAL";
        if (scheme != "EXTERNAL") throw ApiException.InvalidValue("resource.loadBalancingScheme", scheme, "The Compute stand-in supports only EXTERNAL forwarding rules.");
        var tier = Json.Str(body, "networkTier", "resource.networkTier") ?? "PREMIUM";
        if (tier is not ("PREMIUM" or "STANDARD")) throw ApiException.InvalidValue("resource.networkTier", tier, "Must be PREMIUM or STANDARD.");

        var targetText = Json.Str(body, "target", "resource.target") ?? throw ApiException.Required("resource.target");
        if (!Links.TryParse(targetText, r.Project, out var target))
            throw ApiException.InvalidValue("resource.target", targetText, "The URL is malformed.");
        if (target.Collection != "targetPools")
            throw ApiException.InvalidValue("resource.target", targetText, "The Compute stand-in supports only target pools as targets.");
        if (target.Scope != r.Scope)
            throw ApiException.InvalidValue("resource.target", targetText, $"The target pool must be in region {region}.");
        var pool = Require<TargetPoolResource>(target);
        CheckNotDeleting(pool);

        string? ip = null;
        var ipText = Json.Str(body, "IPAddress", "resource.IPAddress");
        if (ipText is not null)
        {
            if (IsIpv4(ipText))
            {
                ip = ipText;
                if (StaticAddress(r.Project, region, ip) is null)
                    throw ApiException.InvalidValue("resource.IPAddress", ip, "Specified IP address not found.");
            }
            else if (Links.TryParse(ipText, r.Project, out var addressRef) && addressRef.Collection == "addresses")
            {
                ip = Require<AddressResource>(addressRef).Ip;
                if (addressRef.Scope != r.Scope) throw ApiException.InvalidValue("resource.IPAddress", ipText, $"The address must be in region {region}.");
            }
            else
            {
                throw ApiException.InvalidValue("resource.IPAddress", ipText, "Invalid IP address specified.");
            }
        }
        ApiException? Check()
        {
            if (Find<TargetPoolResource>(target) is null) return ApiException.NotFound(target.Path);
            if (ip is null) return null;
            if (StaticAddress(r.Project, region, ip) is null) return ApiException.InvalidValue("resource.IPAddress", ip, "Specified IP address not found.");
            return ExternalIpUser(ip) is null
                ? null
                : ApiException.InvalidValue("resource.IPAddress", ip, "Specified IP address is in-use and would result in a conflict.");
        }
        var error = Check();
        if (error is not null) throw error;

        var id = NewId();
        var created = r.Now;
        var description = Json.Str(body, "description", "resource.description") ?? "";
        var labels = ReadLabels(body, "resource.labels");
        return InsertOperation(r, reference, id, Check, () => new ForwardingRuleResource
        {
            Project = r.Project,
            Scope = r.Scope,
            Name = reference.Name,
            Id = id,
            Created = created,
            Description = description,
            Ip = ip ?? AllocateExternal(isStatic: false),
            IpProtocol = protocol,
            PortRange = portRange,
            Ports = ports,
            Target = target,
            LoadBalancingScheme = scheme,
            NetworkTier = tier,
            Labels = labels,
        });
    }

    private JsonNode DeleteForwardingRule(Req r) =>
        DeleteOperation(r, RequirePathResource<ForwardingRuleResource>(r, "forwardingRules"));
}
