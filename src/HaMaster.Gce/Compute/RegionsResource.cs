namespace HaMaster.Gce.Compute;

/// <summary><c>projects/{project}/regions</c>.</summary>
public sealed class RegionsResource
{
    private readonly ComputeService _service;

    internal RegionsResource(ComputeService service) => _service = service;

    /// <summary>A region with the URLs of its zones and its quotas.</summary>
    public ComputeReadRequest<Region> Get(string project, string region) =>
        new(_service, "compute.regions.get", ComputeLinks.Path("projects", project, "regions", region));

    public ComputeListRequest<Region> List(string project) =>
        new(_service, "compute.regions.list", ComputeLinks.Path("projects", project, "regions"));

    /// <summary>The names of a region's zones, sorted (one <c>regions.get</c>; for tab completion).</summary>
    public async Task<IReadOnlyList<string>> ZoneNamesAsync(string project, string region,
        CancellationToken cancellationToken = default)
    {
        var found = await Get(project, region).ExecuteAsync(cancellationToken).ConfigureAwait(false);
        return (found.Zones ?? [])
            .Select(ComputeLinks.NameOf)
            .Where(name => !string.IsNullOrEmpty(name))
            .Select(name => name!)
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToList();
    }
}
