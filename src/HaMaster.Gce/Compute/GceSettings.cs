namespace HaMaster.Gce.Compute;

/// <summary>
/// The project, zone and region the Gce provider works in, each from the first of: the cmdlet's
/// parameter, gcloud's environment variable (<c>CLOUDSDK_CORE_PROJECT</c>, <c>CLOUDSDK_COMPUTE_ZONE</c>,
/// <c>CLOUDSDK_COMPUTE_REGION</c>), gcloud's active configuration (<see cref="GcloudConfiguration"/>).
/// The region of a zone is the zone less its last part (<c>us-central1-b</c> → <c>us-central1</c>).
/// </summary>
public sealed record GceSettings(string Project, string? Zone, string? Region, string ProjectSource, string? ZoneSource)
{
    public const string ProjectVariable = "CLOUDSDK_CORE_PROJECT";
    public const string ZoneVariable = "CLOUDSDK_COMPUTE_ZONE";
    public const string RegionVariable = "CLOUDSDK_COMPUTE_REGION";

    /// <summary>Resolves project and zone; both are required.</summary>
    /// <exception cref="GceConfigurationException">The project or zone is not given anywhere, or the zone is malformed.</exception>
    public static GceSettings Resolve(string? project = null, string? zone = null) => Resolve(project, zone, requireZone: true);

    /// <summary>
    /// Resolves the project and, when found, the zone (and its region, else the configured region); with
    /// <paramref name="requireZone"/> false a missing zone is not an error (e.g. for listing what exists).
    /// </summary>
    public static GceSettings Resolve(string? project, string? zone, bool requireZone)
    {
        GcloudConfiguration? config = null;
        GcloudConfiguration Config() => config ??= GcloudConfiguration.Load();

        var (projectValue, projectSource) = Pick(project, "-Project", ProjectVariable, "core/project", Config);
        if (projectValue is null)
            throw NoProject(Config());

        var (zoneValue, zoneSource) = Pick(zone, "-Zone", ZoneVariable, "compute/zone", Config);
        string? region;
        if (zoneValue is not null)
        {
            region = RegionOf(zoneValue)
                     ?? throw new GceConfigurationException(
                         $"'{zoneValue}' (from {zoneSource}) is not a Compute Engine zone name such as us-central1-b.");
        }
        else
        {
            if (requireZone)
                throw new GceConfigurationException(
                    "No Compute Engine zone was given. Give -Zone, or set CLOUDSDK_COMPUTE_ZONE, or run " +
                    $"'gcloud config set compute/zone ZONE' (gcloud configuration '{Config().Name}' has no zone).");
            region = Pick(null, "-Region", RegionVariable, "compute/region", Config).Value;
        }
        return new GceSettings(projectValue, zoneValue, region, projectSource!, zoneSource);
    }

    /// <summary>The project alone (the zone is not read, so a malformed one does not matter here).</summary>
    /// <exception cref="GceConfigurationException">No project is given anywhere.</exception>
    public static string ResolveProject(string? project)
    {
        GcloudConfiguration? config = null;
        GcloudConfiguration Config() => config ??= GcloudConfiguration.Load();
        return Pick(project, "-Project", ProjectVariable, "core/project", Config).Value ?? throw NoProject(Config());
    }

    /// <summary>The zone of gcloud's settings alone (<c>CLOUDSDK_COMPUTE_ZONE</c>, else the configuration's <c>compute/zone</c>), whatever the project; null when none is set.</summary>
    public static string? ConfiguredZone() => Pick(null, "-Zone", ZoneVariable, "compute/zone", GcloudConfiguration.Load).Value;

    private static GceConfigurationException NoProject(GcloudConfiguration config) => new(
        "No Google Cloud project was given. Give -Project, or set CLOUDSDK_CORE_PROJECT, or run " +
        $"'gcloud config set project PROJECT_ID' (gcloud configuration '{config.Name}' has no project).");

    /// <summary>The region of a zone (<c>us-central1-b</c> → <c>us-central1</c>); null if it is not a zone name.</summary>
    public static string? RegionOf(string zone)
    {
        if (string.IsNullOrWhiteSpace(zone))
            return null;
        var name = zone.Trim();
        var dash = name.LastIndexOf('-');
        if (dash <= 0 || dash == name.Length - 1 || name.IndexOf('-') == dash)
            return null;
        return name[..dash];
    }

    private static (string? Value, string? Source) Pick(string? parameter, string parameterName, string variable,
        string property, Func<GcloudConfiguration> config)
    {
        if (!string.IsNullOrWhiteSpace(parameter))
            return (parameter.Trim(), parameterName);
        var fromEnvironment = Environment.GetEnvironmentVariable(variable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
            return (fromEnvironment.Trim(), variable);
        var configuration = config();
        return configuration.Get(property) is { } fromConfig
            ? (fromConfig, $"gcloud configuration '{configuration.Name}' ({property})")
            : (null, null);
    }
}
