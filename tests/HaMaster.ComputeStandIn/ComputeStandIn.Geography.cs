using System.Text.Json.Nodes;

namespace HaMaster.Testing.Compute;

public sealed partial class ComputeStandIn
{
    private readonly List<(string Region, List<string> Zones)> _geography = new()
    {
        ("asia-east1", new() { "asia-east1-a", "asia-east1-b", "asia-east1-c" }),
        ("europe-west1", new() { "europe-west1-b", "europe-west1-c", "europe-west1-d" }),
        ("us-central1", new() { "us-central1-a", "us-central1-b", "us-central1-c", "us-central1-f" }),
        ("us-east1", new() { "us-east1-b", "us-east1-c", "us-east1-d" }),
        ("us-west1", new() { "us-west1-a", "us-west1-b", "us-west1-c" }),
    };

    private static readonly DateTimeOffset GeographyCreated = new(2014, 4, 11, 20, 47, 12, 495, TimeSpan.Zero);

    /// <summary>
    /// Adds a region with its zones, or replaces the zones of an existing one. By default the stand-in
    /// knows asia-east1, europe-west1, us-central1 (a, b, c, f), us-east1 and us-west1.
    /// </summary>
    public void DefineRegion(string region, params string[] zones)
    {
        if (!Links.IsValidName(region)) throw new ArgumentException("Not a valid region name.", nameof(region));
        foreach (var z in zones)
        {
            if (!Links.IsValidName(z)) throw new ArgumentException($"Not a valid zone name: {z}.", nameof(zones));
        }
        lock (_gate)
        {
            _geography.RemoveAll(g => g.Region == region);
            _geography.Add((region, zones.ToList()));
            _geography.Sort((a, b) => string.CompareOrdinal(a.Region, b.Region));
        }
    }

    /// <summary>Regions and their zones.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Regions
    {
        get
        {
            lock (_gate) return _geography.ToDictionary(g => g.Region, g => (IReadOnlyList<string>)g.Zones.ToArray());
        }
    }

    private string? RegionOf(string zone)
    {
        foreach (var (region, zones) in _geography)
        {
            if (zones.Contains(zone)) return region;
        }
        return null;
    }

    private bool RegionExists(string region) => _geography.Any(g => g.Region == region);

    /// <summary>400 for a region or zone the stand-in does not know.</summary>
    private void CheckScope(string project, Scope scope)
    {
        switch (scope.Kind)
        {
            case ScopeKind.Region when !RegionExists(scope.Name):
                throw ApiException.InvalidValue("region", scope.Name, "Unknown region.");
            case ScopeKind.Zone when RegionOf(scope.Name) is null:
                throw ApiException.InvalidValue("zone", scope.Name, "Unknown zone.");
        }
    }

    private ulong GeographyId(string name)
    {
        // Stable small ids, like the real ones of regions and zones ("1000", "2231").
        var index = 0;
        foreach (var (region, zones) in _geography)
        {
            index++;
            if (region == name) return (ulong)(1000 + index * 100);
            for (var i = 0; i < zones.Count; i++)
            {
                if (zones[i] == name) return (ulong)(1000 + index * 100 + i + 1);
            }
        }
        return 1;
    }

    private JsonObject RenderRegion(string project, string region, List<string> zones)
    {
        var path = $"projects/{project}/regions/{region}";
        var o = new JsonObject
        {
            ["creationTimestamp"] = Timestamp(GeographyCreated),
            ["description"] = region,
            ["id"] = Json.Int64(GeographyId(region)),
            ["kind"] = "compute#region",
            ["name"] = region,
            ["selfLink"] = SelfLink(path),
            ["status"] = "UP",
        };
        o.Put("zones", Json.Strings(zones.Select(z => SelfLink($"projects/{project}/zones/{z}"))));
        o.Put("quotas", new JsonArray(Quotas(project, region).Select(q => (JsonNode)new JsonObject
        {
            ["limit"] = q.Limit,
            ["metric"] = q.Metric,
            ["usage"] = q.Usage,
        }).ToArray()));
        return o;
    }

    private IEnumerable<(string Metric, double Limit, double Usage)> Quotas(string project, string region)
    {
        var instances = _resources.Values.OfType<InstanceResource>().Where(i => i.Project == project && i.Region == region).ToList();
        var cpus = instances.Where(i => i.Status is "RUNNING" or "STOPPING").Sum(i => CpusOf(i.MachineType));
        var disksGb = instances.SelectMany(i => i.Disks).Sum(d => double.TryParse(d["diskSizeGb"]?.GetValue<string>(), out var g) ? g : 0);
        var statics = _resources.Values.OfType<AddressResource>().Count(a => a.Project == project && a.Scope.Name == region);
        var inUse = instances.SelectMany(i => i.Nics).SelectMany(n => n.AccessConfigs).Count(c => c.NatIp is not null)
            + _resources.Values.OfType<ForwardingRuleResource>().Count(f => f.Project == project && f.Scope.Name == region);
        yield return ("CPUS", 24, cpus);
        yield return ("DISKS_TOTAL_GB", 4096, disksGb);
        yield return ("STATIC_ADDRESSES", StaticAddressQuota, statics);
        yield return ("IN_USE_ADDRESSES", 8, inUse);
        yield return ("SSD_TOTAL_GB", 500, 0);
        yield return ("LOCAL_SSD_TOTAL_GB", 1500, 0);
    }

    private static int CpusOf(string machineType)
    {
        // e2-standard-4 → 4; e2-small, e2-micro, f1-micro → 2 (shared core counted as 2, as e2 is)
        var dash = machineType.LastIndexOf('-');
        return dash >= 0 && int.TryParse(machineType[(dash + 1)..], out var n) ? n : 2;
    }

    private JsonObject RenderZone(string project, string region, string zone) => new()
    {
        ["availableCpuPlatforms"] = Json.Strings(new[] { "Intel Broadwell", "Intel Cascade Lake", "Intel Haswell", "Intel Ice Lake", "AMD Milan", "AMD Rome", "Intel Skylake" }),
        ["creationTimestamp"] = Timestamp(GeographyCreated),
        ["description"] = zone,
        ["id"] = Json.Int64(GeographyId(zone)),
        ["kind"] = "compute#zone",
        ["name"] = zone,
        ["region"] = SelfLink($"projects/{project}/regions/{region}"),
        ["selfLink"] = SelfLink($"projects/{project}/zones/{zone}"),
        ["status"] = "UP",
        ["supportsPzs"] = false,
    };

    private JsonNode ListRegions(Req r) =>
        ListPage(r, "compute#regionList", $"projects/{r.Project}/regions",
            _geography.Select(g => RenderRegion(r.Project, g.Region, g.Zones)));

    private JsonNode GetRegion(Req r)
    {
        var g = _geography.FirstOrDefault(x => x.Region == r.Scope.Name);
        if (g.Region is null) throw ApiException.NotFound($"projects/{r.Project}/regions/{r.Scope.Name}");
        return RenderRegion(r.Project, g.Region, g.Zones);
    }

    private JsonNode ListZones(Req r) =>
        ListPage(r, "compute#zoneList", $"projects/{r.Project}/zones",
            _geography.SelectMany(g => g.Zones.Select(z => RenderZone(r.Project, g.Region, z))));

    private JsonNode GetZone(Req r)
    {
        var region = RegionOf(r.Scope.Name) ?? throw ApiException.NotFound($"projects/{r.Project}/zones/{r.Scope.Name}");
        return RenderZone(r.Project, region, r.Scope.Name);
    }
}
