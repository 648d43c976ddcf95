using System.Diagnostics;
using System.Text;
using HaMaster.TestSupport;

namespace HaMaster.Tests;

/// <summary>
/// Runs a script in a fresh process that has nothing of HaMaster loaded (tests/HaMaster.PackageHost),
/// and builds the gallery package with the documented command (scripts/package.sh).
/// </summary>
public static class PackageHostProcess
{
    public const string Configuration =
#if DEBUG
        "Debug";
#else
        "Release";
#endif

    /// <summary>The repository: the folder with HaMaster.sln above the test binaries.</summary>
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    public static string HostAssembly => Path.Combine(RepositoryRoot, "tests", "HaMaster.PackageHost", "bin", Configuration, "net10.0", "HaMaster.PackageHost.dll");

    /// <summary>The older Google.Protobuf the host ships for a script to load before the module.</summary>
    public static string ConflictingProtobuf => Path.Combine(Path.GetDirectoryName(HostAssembly)!, "conflicting", "Google.Protobuf.dll");

    public static (int ExitCode, string Output) RunScript(string folder, string script, TimeSpan timeout)
    {
        var file = Path.Combine(folder, $"script-{Guid.NewGuid():N}.ps1");
        File.WriteAllText(file, script);
        return Run(DotnetHost.Executable, [HostAssembly, file], RepositoryRoot, timeout);
    }

    public static (int ExitCode, string Output) Run(string program, IReadOnlyList<string> arguments, string workingDirectory, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        // No MSBuild node may outlive the build: it would hold our output pipes open.
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        start.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        var output = new StringBuilder();
        using var process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            lock (output) throw new TimeoutException($"{program} {string.Join(' ', arguments)} did not finish within {timeout}. Output so far:\n{output}");
        }
        process.WaitForExit();
        lock (output) return (process.ExitCode, output.ToString());
    }

    private static string FindRepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
            if (File.Exists(Path.Combine(folder.FullName, "HaMaster.sln"))) return folder.FullName;
        throw new InvalidOperationException($"No HaMaster.sln above {AppContext.BaseDirectory}.");
    }
}
