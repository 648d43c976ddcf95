using HaMaster.Gce.Compute;

namespace HaMaster.Gce;

/// <summary>The zones replicas may use: those of a cluster's region (one <c>regions.get</c>), or every zone of the project for a new cluster.</summary>
internal static class GceZones
{
    public static Task<IReadOnlyList<string>> ListAsync(ComputeService compute, string project, string? clusterZone, CancellationToken cancellationToken) =>
        GceErrors.TranslateAsync($"list the zones of project {project}", project, async () =>
        {
            if (clusterZone is not null)
                return await compute.Regions.ZoneNamesAsync(project, GceDefaults.RegionOf(clusterZone), cancellationToken).ConfigureAwait(false);
            var names = new List<string>();
            await foreach (var zone in compute.Zones.List(project).ListAllAsync(cancellationToken).ConfigureAwait(false))
                if (zone.Name is { } name) names.Add(name);
            return (IReadOnlyList<string>)names.Order(StringComparer.Ordinal).ToList();
        });
}
