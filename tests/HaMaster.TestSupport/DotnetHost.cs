namespace HaMaster.TestSupport;

/// <summary>The dotnet host that runs this test, so that a .NET program a test starts runs on the same runtime.</summary>
public static class DotnetHost
{
    /// <summary>This process's own host when it is dotnet, else the one the SDK names in DOTNET_HOST_PATH, else "dotnet" from PATH.</summary>
    public static string Executable { get; } = Locate();

    private static string Locate()
    {
        if (Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet") return self;
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host)) return host;
        return "dotnet";
    }
}
