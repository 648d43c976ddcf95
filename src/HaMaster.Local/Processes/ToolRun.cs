using System.ComponentModel;
using System.Diagnostics;

namespace HaMaster.Local.Processes;

/// <summary>Runs a short-lived program to its end and returns its exit code and everything it printed.</summary>
public static class ToolRun
{
    public sealed record Result(int ExitCode, string Output);

    public static async Task<Result> RunAsync(string program, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException($"Could not run '{program}'.");
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException($"Could not run '{program}': {e.Message}", e);
        }
        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
            var errors = process.StandardError.ReadToEndAsync(CancellationToken.None);
            try
            {
                await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                process.Kill();
                throw;
            }
            return new Result(process.ExitCode, (await errors.ConfigureAwait(false)) + (await output.ConfigureAwait(false)));
        }
    }
}
