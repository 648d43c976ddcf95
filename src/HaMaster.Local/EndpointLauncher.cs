using System.Runtime.InteropServices;

namespace HaMaster.Local;

/// <summary>
/// How to run the API endpoint stand-in (HaMaster.Endpoint.dll, shipped beside the module) with
/// the .NET that is already here: inside pwsh when the module runs in pwsh (pwsh is a .NET host, so
/// no SDK is needed), otherwise with the dotnet host that runs this process.
/// </summary>
public static class EndpointLauncher
{
    public static string AssemblyPath => Path.Combine(Path.GetDirectoryName(typeof(EndpointLauncher).Assembly.Location)!, "HaMaster.Endpoint.dll");

    public static (string Program, IReadOnlyList<string> Arguments) CommandFor(string configFile)
    {
        var dll = AssemblyPath;
        var processPath = Environment.ProcessPath ?? "";
        if (Path.GetFileNameWithoutExtension(processPath).Equals("pwsh", StringComparison.OrdinalIgnoreCase))
        {
            var script = $"Add-Type -Path '{Escape(dll)}'; exit [HaMaster.Endpoint.Program]::Main(@('--config', '{Escape(configFile)}'))";
            return (processPath, ["-NoLogo", "-NoProfile", "-NonInteractive", "-Command", script]);
        }
        return (DotnetHost(processPath), [dll, "--config", configFile]);
    }

    private static string DotnetHost(string processPath)
    {
        if (Path.GetFileNameWithoutExtension(processPath) == "dotnet") return processPath;
        var fromSdk = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(fromSdk) && File.Exists(fromSdk)) return fromSdk;
        var besideRuntime = Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", "..", "dotnet"));
        if (File.Exists(besideRuntime)) return besideRuntime;
        return "dotnet";
    }

    private static string Escape(string value) => value.Replace("'", "''");
}
