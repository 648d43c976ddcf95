using System.Diagnostics;
using System.Text;

namespace HaMaster.Local.Processes;

/// <summary>
/// Starts programs that outlive the PowerShell session (like kind's containers): in their own
/// session (setsid), stdin from /dev/null and stdout/stderr appended to a log file, so that no pipe
/// of the caller is held open and no terminal signal reaches them.
/// </summary>
public static class DetachedProcess
{
    public static int Start(string program, IEnumerable<string> arguments, string logFile, IReadOnlyDictionary<string, string>? environment = null)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(logFile)!);
        var command = new StringBuilder("setsid ");
        command.Append(Quote(program));
        foreach (var argument in arguments)
            command.Append(' ').Append(Quote(argument));
        command.Append(" </dev/null >>").Append(Quote(logFile)).Append(" 2>&1 & echo $!");

        var start = new ProcessStartInfo("/bin/sh")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(command.ToString());
        if (environment is not null)
            foreach (var (name, value) in environment)
                start.Environment[name] = value;

        using var shell = Process.Start(start) ?? throw new InvalidOperationException($"Could not start /bin/sh to launch {program}.");
        var output = shell.StandardOutput.ReadToEnd();
        var errors = shell.StandardError.ReadToEnd();
        shell.WaitForExit();
        if (shell.ExitCode != 0 || !int.TryParse(output.Trim(), out var pid))
            throw new InvalidOperationException($"Could not start {program}: {errors.Trim()}");
        return pid;
    }

    /// <summary>True when <paramref name="pid"/> is alive and its command line contains <paramref name="marker"/>
    /// (guards against a recycled process id after a reboot).</summary>
    public static bool IsRunning(int pid, string marker) => IsRunning(pid, marker, retryWhileExecuting: true);

    private static bool IsRunning(int pid, string marker, bool retryWhileExecuting)
    {
        if (pid <= 0) return false;
        try
        {
            var state = File.ReadAllText($"/proc/{pid}/stat");
            var afterName = state[(state.LastIndexOf(')') + 2)..];
            if (afterName.StartsWith('Z') || afterName.StartsWith('X')) return false;
            // While a process replaces itself (exec), its command line reads empty for a few
            // milliseconds: ask again rather than calling a live process dead.
            // (Kernel threads always read empty: a scan of every process does not wait on them.)
            var attempts = retryWhileExecuting ? 50 : 1;
            for (var attempt = 1; ; attempt++)
            {
                var cmdline = File.ReadAllText($"/proc/{pid}/cmdline");
                if (cmdline.Length > 0) return cmdline.Replace('\0', ' ').Contains(marker, StringComparison.Ordinal);
                if (attempt >= attempts) return false;
                Thread.Sleep(2);
            }
        }
        catch (IOException) { return false; }
        catch (UnauthorizedAccessException) { return false; }
    }

    /// <summary>True while the process <paramref name="pid"/> exists and has not exited (whatever it runs: for a process this module just started).</summary>
    public static bool IsAlive(int pid) => StatField(pid, StateField) is { } state && state is not ("Z" or "X");

    public static void Signal(int pid, int signal) => _ = NativeMethods.kill(pid, signal);

    /// <summary>
    /// The live processes whose command line contains <paramref name="marker"/> (a path unique to
    /// one replica). Finding processes by what they run, not by a remembered id, means a process
    /// started by a command that was killed a moment later is never lost.
    /// </summary>
    public static IReadOnlyList<int> FindByMarker(string marker)
    {
        var found = new List<int>();
        foreach (var entry in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(entry), out var pid) && pid != Environment.ProcessId
                && IsRunning(pid, marker, retryWhileExecuting: !IsKernelThread(pid)))
                found.Add(pid);
        }
        return found;
    }

    /// <summary>Stops every process found by <paramref name="marker"/>.</summary>
    public static Task StopAllAsync(string marker, bool graceful, TimeSpan gracePeriod, CancellationToken cancellationToken) =>
        Task.WhenAll(FindByMarker(marker).Select(pid => StopAsync(pid, marker, graceful, gracePeriod, cancellationToken)));

    /// <summary>Sends SIGTERM (graceful) or SIGKILL and waits until the process is gone and has let go of its files and sockets.</summary>
    public static async Task StopAsync(int pid, string marker, bool graceful, TimeSpan gracePeriod, CancellationToken cancellationToken)
    {
        if (!IsRunning(pid, marker)) return;
        var startTime = StatField(pid, StartTimeField);
        Signal(pid, graceful ? NativeMethods.SIGTERM : NativeMethods.SIGKILL);
        var deadline = DateTime.UtcNow + (graceful ? gracePeriod : TimeSpan.FromSeconds(10));
        while (IsRunning(pid, marker))
        {
            if (DateTime.UtcNow > deadline)
            {
                if (!graceful) throw new TimeoutException($"Process {pid} did not exit after SIGKILL.");
                Signal(pid, NativeMethods.SIGKILL);
                graceful = false;
                deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
            }
            await Task.Delay(20, cancellationToken).ConfigureAwait(false);
        }
        await WaitReleasedAsync(pid, startTime, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// A process whose main thread has exited shows as a zombie without a command line while its
    /// other threads are still exiting, and those still hold its files and sockets: a listening
    /// socket stays bound, and a replica started on the same address fails. The process has let go
    /// of everything once it is gone (or its id is another process's) or only its zombie main thread is left.
    /// </summary>
    private static async Task WaitReleasedAsync(int pid, string? startTime, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (startTime is not null && StatField(pid, StartTimeField) == startTime
               && StatField(pid, ThreadsField) is { } threads && threads != "1" && DateTime.UtcNow < deadline)
            await Task.Delay(10, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// A kernel thread's command line always reads empty; a user process's reads empty only while it
    /// replaces itself (setsid, then exec), and a scan that skipped it then would miss a process
    /// started a moment before (seen under load: a leftover not stopped).
    /// </summary>
    private static bool IsKernelThread(int pid) =>
        StatField(pid, FlagsField) is { } flags && uint.TryParse(flags, out var value) && (value & KernelThreadFlag) != 0;

    private const uint KernelThreadFlag = 0x00200000; // PF_KTHREAD

    // Fields of /proc/<pid>/stat counted from the state, the first after the parenthesised name (proc(5): fields 9, 20 and 22).
    private const int StateField = 0;
    private const int FlagsField = 6;
    private const int ThreadsField = 17;
    private const int StartTimeField = 19;

    private static string? StatField(int pid, int field)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return fields.Length > field ? fields[field] : null;
        }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }

    private static string Quote(string value) => "'" + value.Replace("'", "'\\''") + "'";
}
