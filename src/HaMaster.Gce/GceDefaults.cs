using HaMaster.Gce.Compute;

namespace HaMaster.Gce;

/// <summary>
/// What the user did not give: the project from the provider's options, else gcloud's settings
/// (<c>CLOUDSDK_CORE_PROJECT</c>, <c>gcloud config set project</c>); the zone from gcloud's settings
/// (<c>CLOUDSDK_COMPUTE_ZONE</c>, <c>gcloud config set compute/zone</c>); the region of a zone.
/// </summary>
internal static class GceDefaults
{
    public static string Project(string? given, GceProviderOptions options)
    {
        if (!string.IsNullOrWhiteSpace(given)) return given.Trim();
        if (!string.IsNullOrWhiteSpace(options.Project)) return options.Project.Trim();
        try
        {
            return GceSettings.ResolveProject(null);
        }
        catch (GceConfigurationException e)
        {
            throw GceErrors.ProjectMissing(e);
        }
    }

    public static string Zone() => GceSettings.ConfiguredZone() ?? throw GceErrors.NoZone();

    public static string RegionOf(string zone) => GceSettings.RegionOf(zone) ?? throw GceErrors.NotAZone(zone);
}
