namespace HaMaster.Gce.Compute;

/// <summary>Where an operation lives: a zone, a region, or global; each has its own operations collection.</summary>
public enum OperationScopeKind
{
    Global,
    Region,
    Zone,
}

/// <summary>The project and scope of an operation, from which the get and wait paths are built.</summary>
public sealed record OperationScope(string Project, OperationScopeKind Kind, string? Location)
{
    public static OperationScope Global(string project) => new(project, OperationScopeKind.Global, null);
    public static OperationScope InRegion(string project, string region) => new(project, OperationScopeKind.Region, region);
    public static OperationScope InZone(string project, string zone) => new(project, OperationScopeKind.Zone, zone);

    /// <summary>
    /// The scope of an operation as the API returned it: its <c>zone</c> or <c>region</c> link, else global;
    /// the project comes from those links, the selfLink or the targetLink (only their tails are read).
    /// </summary>
    public static OperationScope Of(Operation operation)
    {
        ArgumentNullException.ThrowIfNull(operation);
        var project = ComputeLinks.ProjectOf(operation.Zone)
                      ?? ComputeLinks.ProjectOf(operation.Region)
                      ?? ComputeLinks.ProjectOf(operation.SelfLink)
                      ?? ComputeLinks.ProjectOf(operation.TargetLink)
                      ?? throw new ArgumentException(
                          $"The operation '{operation.Name}' names no project (no zone, region, selfLink or targetLink).",
                          nameof(operation));
        // The zone/region field, else the selfLink, says where the operation lives (tails only).
        if ((LocationIn(operation.Zone, "zones") ?? ComputeLinks.ZoneOf(operation.SelfLink)) is { } zone)
            return InZone(project, zone);
        if ((LocationIn(operation.Region, "regions") ?? ComputeLinks.RegionOf(operation.SelfLink)) is { } region)
            return InRegion(project, region);
        return Global(project);
    }

    private static string? LocationIn(string? link, string collection)
    {
        if (string.IsNullOrWhiteSpace(link))
            return null;
        if (!link.Contains('/'))
            return link.Trim();
        return collection == "zones" ? ComputeLinks.ZoneOf(link) : ComputeLinks.RegionOf(link);
    }

    /// <summary>The REST path of the operation named <paramref name="operation"/> in this scope.</summary>
    internal string PathOf(string operation) => Kind switch
    {
        OperationScopeKind.Zone => ComputeLinks.Path("projects", Project, "zones", Location!, "operations", operation),
        OperationScopeKind.Region => ComputeLinks.Path("projects", Project, "regions", Location!, "operations", operation),
        _ => ComputeLinks.Path("projects", Project, "global", "operations", operation),
    };

    public override string ToString() => Kind switch
    {
        OperationScopeKind.Zone => $"projects/{Project}/zones/{Location}",
        OperationScopeKind.Region => $"projects/{Project}/regions/{Location}",
        _ => $"projects/{Project}/global",
    };
}
