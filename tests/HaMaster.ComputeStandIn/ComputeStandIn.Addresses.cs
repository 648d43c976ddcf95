using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;

namespace HaMaster.Testing.Compute;

public sealed partial class ComputeStandIn
{
    // By default static external addresses come from 198.51.100.0/24 (TEST-NET-2), ephemeral external
    // ones from 203.0.113.0/24 (TEST-NET-3), internal ones from 10.128.0.0/9 (a /20 per region as in
    // auto-mode networks). Tests that must reach the addresses set loopback pools instead.
    private int _staticCursor = -1;
    private int _ephemeralCursor = -1;
    private int _internalPoolCursor = -1;
    private readonly Dictionary<string, int> _internalCursor = new(StringComparer.Ordinal);

    /// <summary>Where static external addresses come from. Default 198.51.100.10–254.</summary>
    public AddressPool StaticAddressPool { get; set; } = new("198.51.100", 10, 254);

    /// <summary>Where ephemeral external addresses come from (access configs without natIP, rules without IPAddress). Default 203.0.113.10–254.</summary>
    public AddressPool EphemeralAddressPool { get; set; } = new("203.0.113", 10, 254);

    /// <summary>
    /// Where internal addresses (an instance's networkIP when the insert gives none, INTERNAL
    /// addresses) come from, in every region. Default null: a /20 per region in 10.128.0.0/9.
    /// </summary>
    public AddressPool? InternalAddressPool { get; set; }

    private HashSet<string> UsedIps()
    {
        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (var res in _resources.Values)
        {
            switch (res)
            {
                case AddressResource a:
                    used.Add(a.Ip);
                    break;
                case ForwardingRuleResource f:
                    used.Add(f.Ip);
                    break;
                case InstanceResource i:
                    foreach (var nic in i.Nics)
                    {
                        used.Add(nic.NetworkIp);
                        foreach (var ac in nic.AccessConfigs)
                        {
                            if (ac.NatIp is not null) used.Add(ac.NatIp);
                        }
                    }
                    break;
            }
        }
        return used;
    }

    private string AllocateExternal(bool isStatic) => isStatic
        ? FromPool(StaticAddressPool, ref _staticCursor, "IN_USE_ADDRESSES")
        : FromPool(EphemeralAddressPool, ref _ephemeralCursor, "IN_USE_ADDRESSES");

    // Cycles through the pool without reusing a released address at once, like a real pool.
    private string FromPool(AddressPool pool, ref int cursor, string quota)
    {
        var used = UsedIps();
        var size = pool.Last - pool.First + 1;
        for (var n = 0; n < size; n++)
        {
            cursor = cursor < pool.First || cursor >= pool.Last ? pool.First : cursor + 1;
            var ip = $"{pool.Prefix}.{cursor}";
            if (!used.Contains(ip)) return ip;
        }
        throw ApiException.QuotaExceeded($"Quota '{quota}' exceeded.  Limit: {size}.0 (the stand-in's pool {pool} is exhausted).");
    }

    private string AllocateInternal(string region)
    {
        if (InternalAddressPool is { } pool) return FromPool(pool, ref _internalPoolCursor, "INTERNAL_ADDRESSES");
        var used = UsedIps();
        var index = _geography.FindIndex(g => g.Region == region);
        var second = 128 + (index < 0 ? 0 : index) * 2;
        _internalCursor.TryGetValue(region, out var cursor);
        for (var n = 0; n < 4000; n++)
        {
            cursor = cursor >= 4093 ? 2 : Math.Max(cursor + 1, 2);
            var ip = $"10.{second + cursor / 256 / 16}.{cursor / 256 % 16}.{cursor % 256}";
            if (cursor % 256 is 0 or 255) continue;
            if (!used.Contains(ip))
            {
                _internalCursor[region] = cursor;
                return ip;
            }
        }
        throw ApiException.QuotaExceeded($"The stand-in ran out of internal addresses in {region}.");
    }

    private static bool IsIpv4(string s) =>
        IPAddress.TryParse(s, out var ip) && ip.AddressFamily == AddressFamily.InterNetwork && s.Count(c => c == '.') == 3;

    /// <summary>The static external address holding <paramref name="ip"/> in the region, if any.</summary>
    private AddressResource? StaticAddress(string project, string region, string ip) =>
        _resources.Values.OfType<AddressResource>()
            .FirstOrDefault(a => a.Project == project && a.Scope.Name == region && a.Ip == ip && a.AddressType == "EXTERNAL");

    /// <summary>The instance or forwarding rule that uses an external IP, if any.</summary>
    private Resource? ExternalIpUser(string ip, Resource? except = null)
    {
        foreach (var res in _resources.Values)
        {
            if (ReferenceEquals(res, except)) continue;
            switch (res)
            {
                case ForwardingRuleResource f when f.Ip == ip:
                    return f;
                case InstanceResource i when i.Nics.Any(n => n.AccessConfigs.Any(c => c.NatIp == ip)):
                    return i;
            }
        }
        return null;
    }

    /// <summary>Derived users of an address: instances with its IP as natIP (or networkIP for INTERNAL) and forwarding rules with it as IPAddress.</summary>
    private List<Resource> AddressUsers(AddressResource a)
    {
        var users = new List<Resource>();
        foreach (var res in _resources.Values)
        {
            if (res.Project != a.Project) continue;
            switch (res)
            {
                case InstanceResource i when i.Region == a.Scope.Name:
                    var uses = a.AddressType == "INTERNAL"
                        ? i.Nics.Any(n => n.NetworkIp == a.Ip)
                        : i.Nics.Any(n => n.AccessConfigs.Any(c => c.NatIp == a.Ip));
                    if (uses) users.Add(i);
                    break;
                case ForwardingRuleResource f when f.Scope == a.Scope && f.Ip == a.Ip:
                    users.Add(f);
                    break;
            }
        }
        return users;
    }

    private JsonObject RenderAddress(AddressResource a)
    {
        var users = AddressUsers(a);
        var o = CommonFields(a, "compute#address");
        o["address"] = a.Ip;
        o["addressType"] = a.AddressType;
        o["description"] = a.Description;
        o["labelFingerprint"] = LabelsFingerprint(a.Labels);
        o.Put("labels", Json.Map(a.Labels));
        o["networkTier"] = a.NetworkTier;
        if (a.Purpose is not null) o["purpose"] = a.Purpose;
        o["region"] = SelfLink($"projects/{a.Project}/regions/{a.Scope.Name}");
        o["status"] = users.Count > 0 ? "IN_USE" : "RESERVED";
        if (a.AddressType == "INTERNAL") o["subnetwork"] = NestedLink($"projects/{a.Project}/regions/{a.Scope.Name}/subnetworks/default");
        o.Put("users", Json.Strings(users.Select(u => SelfLink(u.Path))));
        return o;
    }

    private JsonNode InsertAddress(Req r)
    {
        var body = r.Body ?? throw ApiException.Required("resource");
        var reference = ReserveName(r, "addresses", Json.Str(body, "name", "resource.name"));
        var region = r.Scope.Name;
        var description = Json.Str(body, "description", "resource.description") ?? "";
        var addressType = Json.Str(body, "addressType", "resource.addressType") ?? "EXTERNAL";
        if (addressType is not ("EXTERNAL" or "INTERNAL"))
            throw ApiException.InvalidValue("resource.addressType", addressType, "Must be EXTERNAL or INTERNAL.");
        var tier = Json.Str(body, "networkTier", "resource.networkTier") ?? "PREMIUM";
        if (tier is not ("PREMIUM" or "STANDARD"))
            throw ApiException.InvalidValue("resource.networkTier", tier, "Must be PREMIUM or STANDARD.");
        var purpose = Json.Str(body, "purpose", "resource.purpose");
        var labels = ReadLabels(body, "resource.labels");
        var literal = Json.Str(body, "address", "resource.address");
        if (literal is not null)
        {
            if (!IsIpv4(literal)) throw ApiException.InvalidValue("resource.address", literal, "Invalid IP address specified.");
            if (_resources.Values.OfType<AddressResource>().Any(a => a.Ip == literal))
                throw ApiException.InvalidValue("resource.address", literal, "Specified IP address is in-use and would result in a conflict.");
        }

        var prefix = $"projects/{r.Project}/regions/{region}/addresses/";
        var count = _resources.Keys.Count(k => k.StartsWith(prefix, StringComparison.Ordinal))
            + _pendingInserts.Count(k => k.StartsWith(prefix, StringComparison.Ordinal));
        if (count >= StaticAddressQuota)
            throw ApiException.QuotaExceeded($"Quota 'STATIC_ADDRESSES' exceeded.  Limit: {StaticAddressQuota}.0 in region {region}.");

        var id = NewId();
        var created = r.Now;
        return InsertOperation(r, reference, id,
            check: () => literal is not null && _resources.Values.OfType<AddressResource>().Any(a => a.Ip == literal)
                ? ApiException.InvalidValue("resource.address", literal, "Specified IP address is in-use and would result in a conflict.")
                : null,
            make: () => new AddressResource
            {
                Project = r.Project,
                Scope = r.Scope,
                Name = reference.Name,
                Id = id,
                Created = created,
                // Reserving the IP an instance or rule already uses promotes that ephemeral IP to static.
                Ip = literal ?? (addressType == "INTERNAL" ? AllocateInternal(region) : AllocateExternal(isStatic: true)),
                Description = description,
                AddressType = addressType,
                NetworkTier = tier,
                Purpose = purpose,
                Labels = labels,
            });
    }

    private JsonNode DeleteAddress(Req r)
    {
        var a = RequirePathResource<AddressResource>(r, "addresses");
        var refusal = AddressDeleteRefusal(a);
        if (refusal is not null) throw refusal;
        return DeleteOperation(r, a, check: () => AddressDeleteRefusal(a));
    }

    private ApiException? AddressDeleteRefusal(AddressResource a)
    {
        foreach (var user in AddressUsers(a))
        {
            if (user is InstanceResource && AllowDeletingAddressInUseByInstance) continue;
            return ApiException.InUse("address", a.Path, user.Path);
        }
        return null;
    }
}
