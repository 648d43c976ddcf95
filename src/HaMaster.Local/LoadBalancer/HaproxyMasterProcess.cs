using System.Diagnostics;
using HaMaster.Local.Processes;

namespace HaMaster.Local.LoadBalancer;

/// <summary>
/// Liveness and stopping of the HAProxy master process on top of <see cref="DetachedProcess"/>.
/// The master re-executes itself right after start-up and twice on every reload; while a process is
/// inside execve the kernel shows an empty command line, which DetachedProcess.IsRunning takes for a
/// zombie. A live process in that window is therefore asked about again instead of being declared gone.
/// </summary>
internal static class HaproxyMasterProcess
{
    private static readonly TimeSpan ExecWindowLimit = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan StopGracePeriod = TimeSpan.FromSeconds(10);

    public static bool IsRunning(int pid, string marker)
    {
        if (pid <= 0) return false;
        var elapsed = Stopwatch.StartNew();
        while (true)
        {
            if (DetachedProcess.IsRunning(pid, marker)) return true;
            if (!MayBeInsideExec(pid, marker) || elapsed.Elapsed > ExecWindowLimit) return false;
            Thread.Sleep(2);
        }
    }

    /// <summary>
    /// SIGUSR1: a soft stop. The workers close their listeners and finish the connections under way
    /// (the master exits after them), so that a client whose connection HAProxy already accepted gets
    /// its answer. After <see cref="SoftStopLimit"/> (long-lived connections) it goes on as <see cref="StopAsync"/>.
    /// </summary>
    public static async Task SoftStopAsync(int pid, string marker, CancellationToken cancellationToken)
    {
        if (IsRunning(pid, marker))
        {
            DetachedProcess.Signal(pid, NativeMethods.SIGUSR1);
            var elapsed = Stopwatch.StartNew();
            while (elapsed.Elapsed < SoftStopLimit && IsRunning(pid, marker))
                await Task.Delay(20, cancellationToken).ConfigureAwait(false);
        }
        await StopAsync(pid, marker, graceful: true, cancellationToken).ConfigureAwait(false);
    }

    private static readonly TimeSpan SoftStopLimit = TimeSpan.FromSeconds(3);

    /// <summary>SIGTERM (the master stops its workers, then exits), SIGKILL after the grace period.</summary>
    public static async Task StopAsync(int pid, string marker, bool graceful, CancellationToken cancellationToken)
    {
        // DetachedProcess.StopAsync returns at once when its first look falls into an exec window.
        while (IsRunning(pid, marker))
            await DetachedProcess.StopAsync(pid, marker, graceful, StopGracePeriod, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>False when the process is gone, a zombie, or shows a command line without the marker;
    /// true when it is alive with an empty command line (or finished its exec since the last look).</summary>
    private static bool MayBeInsideExec(int pid, string marker)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            if (stat[stat.LastIndexOf(')') + 2] is 'Z' or 'X') return false;
            var commandLine = File.ReadAllText($"/proc/{pid}/cmdline");
            return commandLine.Length == 0 || commandLine.Replace('\0', ' ').Contains(marker, StringComparison.Ordinal);
        }
        catch (IOException) { return false; }
        catch (UnauthorizedAccessException) { return false; }
    }
}
