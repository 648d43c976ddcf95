using System.Diagnostics;
using Xunit;

namespace HaMaster.Gce.Tests.Bootstrap;

/// <summary>Runs a program to completion within a deadline; kills it (and its children) on timeout.</summary>
internal static class ExternalProgram
{
    public sealed record Result(int ExitCode, string Output, string Error)
    {
        public string Describe() => $"exit {ExitCode}\nstdout:\n{Output}\nstderr:\n{Error}";
    }

    public static async Task<Result> RunAsync(string program, IEnumerable<string> arguments, TimeSpan timeout,
        string? standardInput = null, IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        if (workingDirectory is not null) start.WorkingDirectory = workingDirectory;
        if (environment is not null)
            foreach (var (name, value) in environment) start.Environment[name] = value;

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (standardInput is not null) await process.StandardInput.WriteAsync(standardInput);
        process.StandardInput.Close();

        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            Assert.Fail($"{program} {string.Join(' ', start.ArgumentList)} did not finish within {timeout}.");
        }
        return new Result(process.ExitCode, await output, await error);
    }
}

/// <summary>
/// Debian packages the tests need. A missing one is installed with apt-get when the tests run as
/// root; otherwise the test fails (never skips) and says which package to install.
/// </summary>
internal static class DebianPackages
{
    private static readonly SemaphoreSlim Gate = new(1, 1);

    public static async Task RequireAsync(string program, string package)
    {
        if (File.Exists(program)) return;
        await Gate.WaitAsync();
        try
        {
            if (File.Exists(program)) return;
            Assert.True(Environment.UserName == "root",
                $"{program} is missing: install the Debian package {package} (scripts/install-prerequisites.sh does).");
            var environment = new Dictionary<string, string> { ["DEBIAN_FRONTEND"] = "noninteractive" };
            var install = await ExternalProgram.RunAsync("apt-get", ["install", "-y", "-qq", package], TimeSpan.FromMinutes(5), environment: environment);
            if (install.ExitCode != 0)
            {
                await ExternalProgram.RunAsync("apt-get", ["update", "-qq"], TimeSpan.FromMinutes(5), environment: environment);
                install = await ExternalProgram.RunAsync("apt-get", ["install", "-y", "-qq", package], TimeSpan.FromMinutes(5), environment: environment);
            }
            Assert.True(File.Exists(program), $"{program} is missing and installing the Debian package {package} failed: {install.Describe()}");
        }
        finally
        {
            Gate.Release();
        }
    }
}
