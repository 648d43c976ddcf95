using System.Diagnostics;

namespace HaMaster.Bench;

/// <summary>Runs a program of this machine (mount, cp) with a deadline; a failure becomes a <see cref="BenchException"/>.</summary>
public static class ExternalCommand
{
    public static void Run(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new BenchException($"{program} could not be started.");
        var error = process.StandardError.ReadToEndAsync();
        _ = process.StandardOutput.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            process.Kill();
            throw new BenchException($"{program} {string.Join(' ', arguments)} did not finish within 60 s.");
        }
        if (process.ExitCode != 0)
            throw new BenchException($"{program} {string.Join(' ', arguments)} failed ({process.ExitCode}): {error.Result.Trim()}");
    }
}
