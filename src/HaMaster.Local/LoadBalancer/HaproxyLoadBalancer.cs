using System.Diagnostics;
using HaMaster.Engine.Errors;
using HaMaster.Local.Processes;

namespace HaMaster.Local.LoadBalancer;

/// <summary>
/// Runs one HAProxy (master-worker mode) per cluster in front of the replicas' API endpoints.
/// All state lives in the spec's directory, so any instance can manage a load balancer another one started.
/// </summary>
public sealed class HaproxyLoadBalancer
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan NudgeInterval = TimeSpan.FromSeconds(4);

    private readonly string haproxyPath;

    public HaproxyLoadBalancer(string haproxyPath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(haproxyPath);
        this.haproxyPath = haproxyPath;
    }

    public static string RenderConfig(LoadBalancerSpec spec) => HaproxyConfig.Render(spec);

    /// <summary>Makes the load balancer serve exactly <paramref name="spec"/>: validates and writes the
    /// configuration, then starts HAProxy or reloads it. Returns once the frontend is bound and the
    /// running worker serves exactly the spec's backends, each of them in rotation (a drain is undone).
    /// A configuration HAProxy rejects changes nothing.</summary>
    public async Task ApplyAsync(LoadBalancerSpec spec, CancellationToken cancellationToken)
    {
        var config = RenderConfig(spec);
        var files = HaproxyFiles.For(spec.Directory);
        Directory.CreateDirectory(files.Directory);
        var masterPid = RunningMasterPid(files);

        if (masterPid > 0 && ReadTextOrNull(files.ConfigPath) == config)
        {
            var current = await HaproxyStatsSocket.TryReadSnapshotAsync(files.SocketPath, cancellationToken).ConfigureAwait(false);
            if (current is not null && current.Serves(spec))
            {
                await UndoDrainsAsync(files, current, cancellationToken).ConfigureAwait(false);
                return;
            }
        }

        await WriteValidatedConfigAsync(files, config, cancellationToken).ConfigureAwait(false);
        if (masterPid > 0)
        {
            await ReloadAsync(files, masterPid, spec, cancellationToken).ConfigureAwait(false);
            // The server state carried over the reload includes a drain; serving the spec means serving every backend.
            var reloaded = await HaproxyStatsSocket.TryReadSnapshotAsync(files.SocketPath, cancellationToken).ConfigureAwait(false);
            if (reloaded is not null) await UndoDrainsAsync(files, reloaded, cancellationToken).ConfigureAwait(false);
        }
        else
            await LaunchAsync(files, snapshot => snapshot.Serves(spec), cancellationToken).ConfigureAwait(false);
    }

    private static async Task UndoDrainsAsync(HaproxyFiles files, HaproxySnapshot snapshot, CancellationToken cancellationToken)
    {
        foreach (var drained in snapshot.Servers.Where(server => server.State == BackendState.Maintenance))
            await HaproxyStatsSocket.RunAdminCommandAsync(
                files.SocketPath, $"set server {HaproxyConfig.BackendName}/{drained.Name} state ready", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Puts a backend in maintenance so that it gets no new connection (existing ones go on).
    /// A later reload undoes it: drain right before removing the replica.</summary>
    public async Task DrainAsync(LoadBalancerSpec spec, string backendName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (!spec.Backends.Any(b => b.Name == backendName))
            throw new ArgumentException($"'{backendName}' is not a backend of the load balancer in {spec.Directory}.", nameof(backendName));
        var files = HaproxyFiles.For(spec.Directory);
        await HaproxyStatsSocket.RunAdminCommandAsync(
            files.SocketPath, $"set server {HaproxyConfig.BackendName}/{backendName} state maint", cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<BackendStatus>> GetBackendsAsync(string directory, CancellationToken cancellationToken)
    {
        var files = HaproxyFiles.For(directory);
        var snapshot = await HaproxyStatsSocket.TryReadSnapshotAsync(files.SocketPath, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"The load balancer in {files.Directory} is not running (no answer on {files.SocketPath}).");
        return snapshot.Servers.Select(s => new BackendStatus(s.Name, s.Address, s.State)).ToList();
    }

    public bool IsRunning(string directory) => RunningMasterPid(HaproxyFiles.For(directory)) > 0;

    /// <summary>Stops HAProxy (master and workers; connections under way are finished first, for a few
    /// seconds at most) and removes its pid file and socket; the configuration stays.</summary>
    public async Task StopAsync(string directory, CancellationToken cancellationToken)
    {
        var files = HaproxyFiles.For(directory);
        var pid = files.ReadPid();
        await HaproxyMasterProcess.SoftStopAsync(pid, files.ConfigPath, cancellationToken).ConfigureAwait(false);
        files.DeleteRuntimeFiles();
    }

    /// <summary>Starts HAProxy again from the configuration already in <paramref name="directory"/> (after a reboot).</summary>
    public async Task StartAsync(string directory, CancellationToken cancellationToken)
    {
        var files = HaproxyFiles.For(directory);
        if (!File.Exists(files.ConfigPath))
            throw new InvalidOperationException($"There is no load balancer configuration in {files.Directory}: apply a spec first.");
        if (RunningMasterPid(files) > 0) return;
        await LaunchAsync(files, snapshot => snapshot.FrontendOpen, cancellationToken).ConfigureAwait(false);
    }

    private async Task LaunchAsync(HaproxyFiles files, Func<HaproxySnapshot, bool> ready, CancellationToken cancellationToken)
    {
        files.DeleteRuntimeFiles();
        var logOffset = files.LogLength;
        var pid = DetachedProcess.Start(haproxyPath, ["-W", "-f", files.ConfigPath, "-p", files.PidPath], files.LogPath);
        try
        {
            // Also wait for HAProxy's pid file, which IsRunning and StopAsync rely on.
            await WaitUntilAsync(files, pid, snapshot => ready(snapshot) && RunningMasterPid(files) > 0, logOffset, "starting", cancellationToken)
                .ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            await HaproxyMasterProcess.StopAsync(pid, files.ConfigPath, graceful: false, CancellationToken.None).ConfigureAwait(false);
            files.DeleteRuntimeFiles();
            throw;
        }
    }

    private static async Task ReloadAsync(HaproxyFiles files, int masterPid, LoadBalancerSpec spec, CancellationToken cancellationToken)
    {
        var before = await HaproxyStatsSocket.TryReadSnapshotAsync(files.SocketPath, cancellationToken).ConfigureAwait(false);
        await SaveServerStateAsync(files, cancellationToken).ConfigureAwait(false);
        var logOffset = files.LogLength;
        // The master re-executes itself on SIGUSR2, reads the new configuration and forks a new worker
        // that takes over the stats socket; the old worker finishes its connections and exits.
        DetachedProcess.Signal(masterPid, NativeMethods.SIGUSR2);
        // A reload that has not begun (the master has not logged "Reloading HAProxy") after a while is asked for
        // again: on a loaded machine a master once left SIGUSR2 unanswered for the whole 15 s. A
        // second reload of the same configuration is harmless.
        void AskAgainIfNothingHappened()
        {
            if (!files.ReadLogSince(logOffset).Contains("Reloading HAProxy", StringComparison.Ordinal)) DetachedProcess.Signal(masterPid, NativeMethods.SIGUSR2);
        }
        await WaitUntilAsync(
            files, masterPid,
            snapshot => snapshot.WorkerPid != before?.WorkerPid && snapshot.Serves(spec),
            logOffset, "reloading", cancellationToken, AskAgainIfNothingHappened).ConfigureAwait(false);
    }

    /// <summary>
    /// Saves the running worker's server states for the next one (the configuration loads them): a
    /// server that stays is then served as healthy at once, where it would otherwise show its first
    /// check pending (Unknown) for up to a second after the reload. Without an answer, the next
    /// worker starts from fresh checks.
    /// </summary>
    private static async Task SaveServerStateAsync(HaproxyFiles files, CancellationToken cancellationToken)
    {
        try
        {
            var state = await HaproxyStatsSocket.SendAsync(files.SocketPath, "show servers state", cancellationToken).ConfigureAwait(false);
            await File.WriteAllTextAsync(files.ServerStatePath, state, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is System.Net.Sockets.SocketException or TimeoutException)
        {
            File.Delete(files.ServerStatePath);
        }
    }

    private static async Task WaitUntilAsync(
        HaproxyFiles files, int masterPid, Func<HaproxySnapshot, bool> ready, long logOffset, string activity, CancellationToken cancellationToken,
        Action? nudge = null)
    {
        var elapsed = Stopwatch.StartNew();
        var nextNudge = NudgeInterval;
        while (true)
        {
            if (nudge is not null && elapsed.Elapsed > nextNudge)
            {
                nudge();
                nextNudge += NudgeInterval;
            }
            if (!HaproxyMasterProcess.IsRunning(masterPid, files.ConfigPath))
                throw new InvalidOperationException($"HAProxy exited while {activity} the load balancer in {files.Directory}:\n{files.ReadLogSince(logOffset).Trim()}");
            var log = files.ReadLogSince(logOffset);
            // On a failed reload the master keeps the previous worker and only says so in its log.
            if (log.Contains("Loading failure", StringComparison.Ordinal))
                throw new InvalidOperationException($"HAProxy failed {activity} the load balancer in {files.Directory}; the previous worker keeps serving:\n{log.Trim()}");

            var snapshot = await HaproxyStatsSocket.TryReadSnapshotAsync(files.SocketPath, cancellationToken).ConfigureAwait(false);
            if (snapshot is not null && ready(snapshot)) return;
            if (elapsed.Elapsed > ReadyTimeout)
            {
                var serving = snapshot is null ? "no worker answers on the stats socket"
                    : $"worker {snapshot.WorkerPid} serves [{string.Join(", ", snapshot.Servers.Select(s => $"{s.Name} {s.Address}:{s.Port}"))}]";
                throw new TimeoutException(
                    $"HAProxy did not finish {activity} the load balancer in {files.Directory} within {ReadyTimeout.TotalSeconds:0} s ({serving}):\n{log.Trim()}");
            }
            await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task WriteValidatedConfigAsync(HaproxyFiles files, string config, CancellationToken cancellationToken)
    {
        await File.WriteAllTextAsync(files.CandidateConfigPath, config, cancellationToken).ConfigureAwait(false);
        try
        {
            var (exitCode, output) = await RunHaproxyAsync(["-c", "-f", files.CandidateConfigPath], cancellationToken).ConfigureAwait(false);
            if (exitCode != 0 && string.IsNullOrWhiteSpace(output))
                throw new HaException(ErrorIds.ComponentFailed,
                    $"'{haproxyPath} -c' exited with code {exitCode} and said nothing: it does not behave like HAProxy, which names what it rejects.",
                    $"Point ${LocalComponents.HaproxyVariable} at HAProxy (or unset it to use the haproxy on PATH; Debian package haproxy), then run the command again.", haproxyPath);
            if (exitCode != 0)
                throw new InvalidOperationException($"HAProxy rejected the load balancer configuration for {files.Directory}:\n{output.Trim()}");
            File.Move(files.CandidateConfigPath, files.ConfigPath, overwrite: true);
        }
        finally
        {
            File.Delete(files.CandidateConfigPath);
        }
    }

    private async Task<(int ExitCode, string Output)> RunHaproxyAsync(IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var result = await ToolRun.RunAsync(haproxyPath, arguments, cancellationToken).ConfigureAwait(false);
        return (result.ExitCode, result.Output);
    }

    private static int RunningMasterPid(HaproxyFiles files)
    {
        var pid = files.ReadPid();
        return HaproxyMasterProcess.IsRunning(pid, files.ConfigPath) ? pid : 0;
    }

    private static string? ReadTextOrNull(string path) => File.Exists(path) ? File.ReadAllText(path) : null;
}
