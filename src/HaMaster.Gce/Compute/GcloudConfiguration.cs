namespace HaMaster.Gce.Compute;

/// <summary>
/// gcloud's active configuration, read as gcloud does: the configuration directory is
/// <c>CLOUDSDK_CONFIG</c>, else <c>~/.config/gcloud</c> (<c>%APPDATA%\gcloud</c> on Windows); the active
/// configuration is named by <c>CLOUDSDK_ACTIVE_CONFIG_NAME</c>, else the file <c>active_config</c>, else
/// "default"; its properties are the INI file <c>configurations/config_&lt;name&gt;</c>
/// (<c>[core] project = …</c>, <c>[compute] zone = …</c>, <c>region = …</c>).
/// </summary>
public sealed class GcloudConfiguration
{
    public const string ConfigDirectoryVariable = "CLOUDSDK_CONFIG";
    public const string ActiveConfigVariable = "CLOUDSDK_ACTIVE_CONFIG_NAME";

    private readonly Dictionary<string, string> _properties;

    private GcloudConfiguration(string name, string path, Dictionary<string, string> properties)
    {
        Name = name;
        FilePath = path;
        _properties = properties;
    }

    /// <summary>The active configuration's name.</summary>
    public string Name { get; }

    /// <summary>The configuration's file (it may not exist: then there are no properties).</summary>
    public string FilePath { get; }

    /// <summary>A property as <c>section/name</c>, e.g. <c>core/project</c>, <c>compute/zone</c>; null when unset or empty.</summary>
    public string? Get(string property) =>
        _properties.TryGetValue(property, out var value) && value.Length > 0 ? value : null;

    /// <summary>gcloud's configuration directory.</summary>
    public static string ConfigDirectory()
    {
        var configured = Environment.GetEnvironmentVariable(ConfigDirectoryVariable);
        if (!string.IsNullOrWhiteSpace(configured))
            return configured.Trim();
        if (OperatingSystem.IsWindows())
        {
            var appData = Environment.GetEnvironmentVariable("APPDATA");
            if (string.IsNullOrWhiteSpace(appData))
                appData = Environment.GetFolderPath(Environment.SpecialFolder.ApplicationData);
            return Path.Combine(appData, "gcloud");
        }
        var home = Environment.GetEnvironmentVariable("HOME");
        if (string.IsNullOrWhiteSpace(home))
            home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return Path.Combine(home, ".config", "gcloud");
    }

    /// <summary>Reads the active configuration; a missing directory or file gives an empty one.</summary>
    public static GcloudConfiguration Load()
    {
        var directory = ConfigDirectory();
        var name = Environment.GetEnvironmentVariable(ActiveConfigVariable)?.Trim();
        if (string.IsNullOrEmpty(name))
            name = ReadFirstLine(Path.Combine(directory, "active_config"));
        if (string.IsNullOrEmpty(name))
            name = "default";
        var path = Path.Combine(directory, "configurations", "config_" + name);
        return new GcloudConfiguration(name, path, ReadIni(path));
    }

    private static string? ReadFirstLine(string path)
    {
        try
        {
            return File.Exists(path) ? File.ReadLines(path).FirstOrDefault()?.Trim() : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>INI as gcloud writes it: <c>[section]</c>, <c>key = value</c>, comments with # or ;.</summary>
    internal static Dictionary<string, string> ReadIni(string path)
    {
        var properties = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        string[] lines;
        try
        {
            if (!File.Exists(path))
                return properties;
            lines = File.ReadAllLines(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return properties;
        }
        var section = "";
        foreach (var raw in lines)
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] is '#' or ';')
                continue;
            if (line[0] == '[' && line[^1] == ']')
            {
                section = line[1..^1].Trim();
                continue;
            }
            var separator = line.IndexOfAny(['=', ':']);
            if (separator <= 0)
                continue;
            var key = line[..separator].Trim();
            var value = line[(separator + 1)..].Trim();
            properties[$"{section}/{key}"] = value;
        }
        return properties;
    }
}
