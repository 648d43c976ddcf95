using HaMaster.Gce.Compute;

namespace HaMaster.Gce.Tests.Compute;

/// <summary>Which client class an answer (or request body) of a recorded Compute exchange is.</summary>
internal static class FixtureTypes
{
    /// <summary>Collections the recordings touch that the module does not use, hence not modelled.</summary>
    public static readonly IReadOnlySet<string> NotModelled =
        new HashSet<string> { "disks", "images", "networks", "instanceTemplates", "targetVpnGateways" };

    private static readonly Dictionary<string, Type> Items = new()
    {
        ["addresses"] = typeof(Address),
        ["instances"] = typeof(Instance),
        ["firewalls"] = typeof(Firewall),
        ["httpHealthChecks"] = typeof(HttpHealthCheck),
        ["targetPools"] = typeof(TargetPool),
        ["forwardingRules"] = typeof(ForwardingRule),
        ["operations"] = typeof(Operation),
        ["zones"] = typeof(Zone),
        ["regions"] = typeof(Region),
    };

    /// <summary>The libcloud file names and their classes.</summary>
    public static readonly IReadOnlyDictionary<string, Type> Libcloud = new Dictionary<string, Type>
    {
        ["global_httpHealthChecks_lchealthcheck.json"] = typeof(HttpHealthCheck),
        ["operations_operation_regions_us-central1_addresses_post.json"] = typeof(Operation),
        ["operations_operation_zones_us-central1-a_instances_node_name_addAccessConfig_done.json"] = typeof(Operation),
        ["operations_operation_zones_us-central1-a_instances_node_name_addAccessConfig_post.json"] = typeof(Operation),
        ["operations_operation_zones_us-central1-a_instances_node_name_deleteAccessConfig_done.json"] = typeof(Operation),
        ["operations_operation_zones_us-central1-a_instances_node_name_deleteAccessConfig_post.json"] = typeof(Operation),
        ["regions-paged-1.json"] = typeof(ResourceList<Region>),
        ["regions-paged-2.json"] = typeof(ResourceList<Region>),
        ["regions_us-central1_addresses_lcaddress.json"] = typeof(Address),
        ["regions_us-central1_forwardingRules_lcforwardingrule.json"] = typeof(ForwardingRule),
        ["regions_us-central1_targetPools_lb_pool_getHealth.json"] = typeof(TargetPoolInstanceHealth),
        ["regions_us-central1_targetPools_lctargetpool.json"] = typeof(TargetPool),
        ["zones_us-central1-a_instances.json"] = typeof(ResourceList<Instance>),
        ["zones_us-central1-a_instances_node-name.json"] = typeof(Instance),
        ["zones_us_central1_a_operations_operation_setMachineType_notstopped.json"] = typeof(Operation),
    };

    /// <summary>An error body (the 404 of an image family), read through the client rather than as a class.</summary>
    public const string LibcloudErrorBody = "global_images_family_notfound.json";

    /// <summary>
    /// The class of a successful Compute answer, or null with the collection when that collection is not
    /// modelled. Mutations and wait answer an Operation, getHealth a TargetPoolInstanceHealth, a GET the
    /// item or list of its collection.
    /// </summary>
    public static (Type? Type, string Collection) OfResponse(KccExchange exchange)
    {
        var (collection, rest) = Split(exchange.Url);
        if (exchange.Method != "GET")
        {
            if (rest.Length > 0 && rest[^1] == "getHealth") return (typeof(TargetPoolInstanceHealth), collection);
            return (typeof(Operation), collection);
        }
        var type = Classify(collection);
        if (rest.Length == 0 && collection is not ("zones" or "regions"))
            return (type is null ? null : typeof(ResourceList<>).MakeGenericType(type), collection);
        return (type, collection);
    }

    /// <summary>The class of a request body worth checking: inserts, patches and setLabels of modelled collections.</summary>
    public static Type? OfRequestBody(KccExchange exchange)
    {
        if (exchange.RequestBody is null) return null;
        var (collection, rest) = Split(exchange.Url);
        if (exchange.Method == "POST" && rest.Length == 0) return Classify(collection);
        if (exchange.Method == "PATCH" && rest.Length == 1) return Classify(collection);
        if (rest.Length == 2 && rest[1] == "setLabels") return typeof(SetLabelsRequest);
        return null;
    }

    /// <summary>
    /// <c>projects/p[/global|/zones/z|/regions/r]/collection/rest…</c> → (collection, rest). A bare
    /// <c>projects/p/zones/z</c> is the zone itself: ("zones", [z]).
    /// </summary>
    private static (string Collection, string[] Tail) Split(Uri url)
    {
        var segments = url.AbsolutePath["/compute/v1/".Length..].Split('/', StringSplitOptions.RemoveEmptyEntries)
            .Select(Uri.UnescapeDataString).ToArray();
        var i = 2; // after projects/{p}
        if (segments[i] == "global" || segments[i] == "aggregated")
            i += 1;
        else if (segments[i] is "zones" or "regions")
        {
            if (segments.Length <= i + 2)
                return (segments[i], segments[(i + 1)..]);
            i += 2;
        }
        return (segments[i], segments[(i + 1)..]);
    }

    public static bool IsCompute(KccExchange exchange) =>
        exchange.Url.Host == "compute.googleapis.com" && exchange.Url.AbsolutePath.StartsWith("/compute/v1/projects/");


    private static Type? Classify(string collection) =>
        Items.TryGetValue(collection, out var type) ? type : null;
}
