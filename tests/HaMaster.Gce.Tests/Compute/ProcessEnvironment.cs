using Xunit;

namespace HaMaster.Gce.Tests.Compute;

/// <summary>
/// Tests that change process environment variables: run one at a time and after the parallel tests
/// (xunit runs a collection with DisableParallelization on its own).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessEnvironmentCollection
{
    public const string Name = "Compute process environment";
}

/// <summary>
/// Sets environment variables for one test and puts the old values back on dispose. Every variable the
/// Compute client reads is cleared first, and gcloud's folder and HOME point at an empty temp folder, so
/// the developer's own gcloud setup never leaks in.
/// </summary>
internal sealed class EnvironmentScope : IDisposable
{
    private static readonly string[] Cleared =
    [
        "CLOUDSDK_API_ENDPOINT_OVERRIDES_COMPUTE", "CLOUDSDK_AUTH_ACCESS_TOKEN_FILE", "GOOGLE_APPLICATION_CREDENTIALS",
        "CLOUDSDK_CONFIG", "CLOUDSDK_ACTIVE_CONFIG_NAME", "CLOUDSDK_CORE_PROJECT", "CLOUDSDK_COMPUTE_ZONE",
        "CLOUDSDK_COMPUTE_REGION", "HOME", "APPDATA", "GCE_METADATA_HOST",
    ];

    private readonly Dictionary<string, string?> _saved = new();

    public EnvironmentScope()
    {
        Folder = Directory.CreateTempSubdirectory("hamaster-compute-env-").FullName;
        GcloudFolder = Path.Combine(Folder, "gcloud");
        Directory.CreateDirectory(GcloudFolder);
        foreach (var name in Cleared)
            Set(name, null);
        Set("HOME", Folder);
        Set("APPDATA", Folder);
        Set("CLOUDSDK_CONFIG", GcloudFolder);
    }

    /// <summary>A fresh temp folder, HOME for the test.</summary>
    public string Folder { get; }

    /// <summary>The gcloud configuration folder (CLOUDSDK_CONFIG) for the test.</summary>
    public string GcloudFolder { get; }

    public void Set(string name, string? value)
    {
        if (!_saved.ContainsKey(name))
            _saved[name] = Environment.GetEnvironmentVariable(name);
        Environment.SetEnvironmentVariable(name, value);
    }

    public string WriteFile(string relativePath, string text)
    {
        var path = Path.Combine(Folder, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    public void Dispose()
    {
        foreach (var (name, value) in _saved)
            Environment.SetEnvironmentVariable(name, value);
        try { Directory.Delete(Folder, recursive: true); } catch (IOException) { }
    }
}
