using System.Diagnostics;
using System.Text.Json;
using HaMaster.Engine.Etcd;
using HaMaster.Engine.Pki;

namespace HaMaster.Bench;

/// <summary>What the availability client is told: where the cluster is and how to probe and write.</summary>
public sealed record ClientConfig(
    string Address, string PkiDirectory, List<string> Endpoints, string KeyPrefix, string Output,
    double IntervalMs, double ProbeDeadlineMs, double WriteDeadlineMs, double HedgeMs);

/// <summary>One probe: when it started and ended (Stopwatch timestamps, comparable across processes) and its error, null when 200.</summary>
public sealed record ProbeRecord(long Start, long End, string? Error);

/// <summary>One write slot: key index, slot start, when it was acknowledged or given up, tries, last error, the member that acknowledged (or was tried last).</summary>
public sealed record WriteRecord(long Index, long Slot, long End, bool Acknowledged, int Attempts, string? Error, string? Endpoint = null);

/// <summary>Everything the client saw; ticks it could not keep (it was late by more than an interval) are listed.</summary>
public sealed record ClientLog(long Started, long Stopped, List<ProbeRecord> Probes, List<WriteRecord> Writes, List<long> SkippedProbeTicks, List<long> SkippedWriteTicks);

/// <summary>
/// The availability client, run as a process of its own (<c>HaMaster.Bench --client config.json</c>)
/// so that the operator's PowerShell work and the client never share a thread pool or a GC pause:
/// a gap the client sees is the cluster's, not the benchmark's.
///
/// Probes: every interval a new probe starts (whatever the earlier ones are doing): a new TCP
/// connection to the cluster address, TLS verified against the cluster CA, <c>GET /readyz</c>; it
/// succeeds on a 200 within the probe deadline.
///
/// Writes: every interval slot <c>i</c> puts key <c>prefix/i</c> = <c>i</c> through EtcdGateway to a
/// member's client URL (the last one that acknowledged, else the next one in the member list); on an
/// error the next member is tried at once (5 ms pause after a whole round failed), and also when the
/// attempts under way have not answered within the hedge time (100 ms by default), until a member
/// acknowledges or the write deadline (counted from the slot's start) passes: then the write has
/// failed. Members come from etcd's member list (started voters), refreshed every 250 ms.
/// </summary>
public static class AvailabilityClient
{
    public static async Task<int> RunAsync(string configFile)
    {
        ThreadPool.SetMinThreads(64, 64);
        var config = JsonSerializer.Deserialize<ClientConfig>(File.ReadAllText(configFile))!;
        var interval = TimeSpan.FromMilliseconds(config.IntervalMs);
        var probeDeadline = TimeSpan.FromMilliseconds(config.ProbeDeadlineMs);
        var writeDeadline = TimeSpan.FromMilliseconds(config.WriteDeadlineMs);
        var hedge = TimeSpan.FromMilliseconds(config.HedgeMs);
        var pki = new ClusterPki(config.PkiDirectory);
        using var gateway = new EtcdGateway(pki.LoadEtcdCredentials()) { RequestTimeout = writeDeadline };
        var probe = new ReadyzProbe(config.Address, pki.LoadClusterCa());
        var members = new MemberSet(config.Endpoints);

        // Warm up (connections, JIT) before anything is measured: one probe and one write must succeed.
        var warmDeadline = Stopwatch.StartNew();
        while (true)
        {
            var probeProblem = await probe.ProbeAsync(probeDeadline).ConfigureAwait(false);
            var written = await WriteAsync(gateway, members, config.KeyPrefix + "warm-up", "0", Stopwatch.GetTimestamp(), writeDeadline, hedge).ConfigureAwait(false);
            if (probeProblem is null && written.Acknowledged) break;
            if (warmDeadline.Elapsed > TimeSpan.FromSeconds(30))
            {
                Console.Error.WriteLine($"The cluster did not answer: probe {probeProblem ?? "ok"}, write {written.Error ?? "ok"}");
                return 1;
            }
            await Task.Delay(100).ConfigureAwait(false);
        }

        using var stop = new CancellationTokenSource();
        _ = Task.Run(() =>
        {
            Console.In.ReadLine(); // "stop", or end of input when the benchmark went away
            stop.Cancel();
        });
        var started = Stopwatch.GetTimestamp();
        var refresh = RefreshMembersAsync(gateway, members, stop.Token);
        var skippedProbes = new List<long>();
        var skippedWrites = new List<long>();
        var probing = EveryIntervalAsync(interval, started, skippedProbes, stop.Token, async (_, _) =>
        {
            var start = Stopwatch.GetTimestamp();
            var problem = await probe.ProbeAsync(probeDeadline).ConfigureAwait(false);
            return new ProbeRecord(start, Stopwatch.GetTimestamp(), problem);
        });
        var writing = EveryIntervalAsync(interval, started, skippedWrites, stop.Token, (index, slot) =>
            WriteAsync(gateway, members, config.KeyPrefix + Key(index), index.ToString(System.Globalization.CultureInfo.InvariantCulture), slot, writeDeadline, hedge, index));
        Console.WriteLine("ready");
        Console.Out.Flush();

        var probes = await probing.ConfigureAwait(false);
        var writes = await writing.ConfigureAwait(false);
        await refresh.ConfigureAwait(false);
        var log = new ClientLog(started, Stopwatch.GetTimestamp(), probes, writes, skippedProbes, skippedWrites);
        await using (var output = File.Create(config.Output))
            await JsonSerializer.SerializeAsync(output, log).ConfigureAwait(false);
        Console.WriteLine("done");
        return 0;
    }

    public static string Key(long index) => index.ToString("D8", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Starts <paramref name="action"/> at every tick (start + k·interval) until stopped; a tick missed by more than an interval is skipped and listed.</summary>
    private static async Task<List<T>> EveryIntervalAsync<T>(TimeSpan interval, long start, List<long> skipped, CancellationToken stop, Func<long, long, Task<T>> action)
    {
        var tasks = new List<Task<T>>();
        var intervalTicks = (long)(interval.TotalSeconds * Stopwatch.Frequency);
        for (long index = 0; !stop.IsCancellationRequested; index++)
        {
            var slot = start + index * intervalTicks;
            var wait = slot - Stopwatch.GetTimestamp();
            if (wait > 0)
            {
                try { await Task.Delay(TimeSpan.FromSeconds((double)wait / Stopwatch.Frequency), stop).ConfigureAwait(false); }
                catch (OperationCanceledException) { break; }
            }
            else if (-wait > intervalTicks)
            {
                skipped.Add(slot);
                continue;
            }
            var tick = index; // the loop variable is shared by every iteration
            tasks.Add(Task.Run(() => action(tick, slot)));
        }
        return (await Task.WhenAll(tasks).ConfigureAwait(false)).ToList();
    }

    /// <summary>
    /// One write: the preferred member first; the next member as soon as an attempt fails, or when
    /// the attempts under way have not answered within <paramref name="hedge"/> (that attempt stays
    /// under way: a member that was just killed or removed leaves a gRPC call waiting on its
    /// reconnecting channel instead of failing it); at most one attempt per member at a time. The
    /// first acknowledgement counts; none before the deadline = a failed write.
    /// </summary>
    private static async Task<WriteRecord> WriteAsync(IEtcdGateway gateway, MemberSet members, string key, string value, long slot, TimeSpan deadline, TimeSpan hedge, long index = -1)
    {
        var deadlineAt = slot + (long)(deadline.TotalSeconds * Stopwatch.Frequency);
        var hedgeTicks = (long)(hedge.TotalSeconds * Stopwatch.Frequency);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(Math.Max(0, (double)(deadlineAt - Stopwatch.GetTimestamp()) / Stopwatch.Frequency)));
        var endpoints = members.Current;
        var next = members.PreferredIndex(endpoints);
        var pending = new Dictionary<Task<string?>, string>();
        var attempts = 0;
        var failures = 0;
        var startNext = true;
        long hedgeAt = long.MaxValue;
        string? lastError = null;
        string? lastEndpoint = null;

        async Task<string?> TryAsync(string endpoint)
        {
            try
            {
                await gateway.PutAsync(endpoint, key, value, timeout.Token).ConfigureAwait(false);
                return null;
            }
            catch (Exception e)
            {
                return Describe(e, timeout.IsCancellationRequested);
            }
        }

        while (Stopwatch.GetTimestamp() < deadlineAt)
        {
            if (startNext)
            {
                startNext = false;
                var free = Enumerable.Range(0, endpoints.Count).Select(i => endpoints[(next + i) % endpoints.Count]).FirstOrDefault(e => !pending.ContainsValue(e));
                if (free is not null)
                {
                    next = (endpoints.ToList().IndexOf(free) + 1) % endpoints.Count;
                    attempts++;
                    lastEndpoint = free;
                    pending[TryAsync(free)] = free;
                }
                hedgeAt = Stopwatch.GetTimestamp() + hedgeTicks;
            }
            var wait = Math.Max(0, Math.Min(deadlineAt, hedgeAt) - Stopwatch.GetTimestamp());
            var timer = Task.Delay(TimeSpan.FromSeconds((double)wait / Stopwatch.Frequency), timeout.Token);
            var done = await Task.WhenAny(pending.Keys.Cast<Task>().Append(timer)).ConfigureAwait(false);
            if (done is Task<string?> attempt)
            {
                var endpoint = pending[attempt];
                pending.Remove(attempt);
                var error = await attempt.ConfigureAwait(false);
                if (error is null)
                {
                    timeout.Cancel(); // the other attempts are no longer needed
                    members.Prefer(endpoint);
                    return new WriteRecord(index, slot, Stopwatch.GetTimestamp(), true, attempts, null, endpoint);
                }
                lastError = error;
                if (pending.Count == 0)
                {
                    // Every member failed once in this round: pause a little, then go on with a fresh member list.
                    if (++failures % endpoints.Count == 0)
                    {
                        try { await Task.Delay(5, timeout.Token).ConfigureAwait(false); }
                        catch (OperationCanceledException) { break; }
                        endpoints = members.Current;
                        next %= endpoints.Count;
                    }
                    startNext = true;
                }
            }
            else if (Stopwatch.GetTimestamp() >= hedgeAt)
            {
                startNext = true;
            }
        }
        timeout.Cancel();
        return new WriteRecord(index, slot, Stopwatch.GetTimestamp(), false, attempts, pending.Count > 0 ? "no acknowledgement before the deadline" : lastError ?? "deadline passed before a try", lastEndpoint);
    }

    private static string Describe(Exception e, bool deadlinePassed)
    {
        if (deadlinePassed) return "no acknowledgement before the deadline";
        var text = e is EtcdRequestException etcd ? etcd.Reason : e.GetType().Name + ": " + e.Message;
        return text.Length > 160 ? text[..160] : text;
    }

    private static async Task RefreshMembersAsync(IEtcdGateway gateway, MemberSet members, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try { await Task.Delay(250, stop).ConfigureAwait(false); }
            catch (OperationCanceledException) { return; }
            var endpoints = members.Current;
            var first = members.PreferredIndex(endpoints);
            for (var i = 0; i < endpoints.Count; i++)
            {
                try
                {
                    using var timeout = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
                    var list = await gateway.ListMembersAsync(endpoints[(first + i) % endpoints.Count], timeout.Token).ConfigureAwait(false);
                    var voters = list.Where(m => m.IsStarted && !m.IsLearner && m.ClientUrls.Count > 0).Select(m => m.ClientUrls[0]).ToList();
                    if (voters.Count > 0) members.Replace(voters);
                    break;
                }
                catch (Exception)
                {
                }
            }
        }
    }

    /// <summary>The members' client URLs and the one that acknowledged last.</summary>
    private sealed class MemberSet(List<string> initial)
    {
        private volatile IReadOnlyList<string> _current = initial;
        private volatile string? _preferred;

        public IReadOnlyList<string> Current => _current;
        public void Replace(List<string> endpoints) => _current = endpoints;
        public void Prefer(string endpoint) => _preferred = endpoint;

        public int PreferredIndex(IReadOnlyList<string> endpoints)
        {
            var index = _preferred is null ? -1 : endpoints.ToList().IndexOf(_preferred);
            return Math.Max(0, index);
        }
    }
}

/// <summary>The client as a child process: started, told to stop, its log read back. Every wait has a deadline.</summary>
public sealed class AvailabilityClientProcess : IDisposable
{
    private readonly Process _process;
    private readonly string _output;
    private readonly string _configFile;

    private AvailabilityClientProcess(Process process, string output, string configFile)
    {
        _process = process;
        _output = output;
        _configFile = configFile;
    }

    public static AvailabilityClientProcess Start(ClientConfig config, string workFolder)
    {
        var configFile = Path.Combine(workFolder, $"client-{Guid.NewGuid():N}.json");
        File.WriteAllText(configFile, JsonSerializer.Serialize(config));
        var start = new ProcessStartInfo(Environment.ProcessPath!)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet") start.ArgumentList.Add(typeof(AvailabilityClient).Assembly.Location);
        start.ArgumentList.Add("--client");
        start.ArgumentList.Add(configFile);
        var process = Process.Start(start)!;
        var client = new AvailabilityClientProcess(process, config.Output, configFile);
        var line = ReadLine(process, TimeSpan.FromSeconds(45));
        if (line != "ready")
        {
            client.Kill();
            throw new BenchException($"The availability client did not start: {line ?? "no answer in 45 s"} {process.StandardError.ReadToEnd().Trim()}");
        }
        return client;
    }

    public ClientLog Stop(TimeSpan deadline)
    {
        _process.StandardInput.WriteLine("stop");
        _process.StandardInput.Flush();
        if (!_process.WaitForExit(deadline))
        {
            Kill();
            throw new BenchException($"The availability client did not stop within {deadline.TotalSeconds:0} s.");
        }
        if (_process.ExitCode != 0)
            throw new BenchException($"The availability client failed ({_process.ExitCode}): {_process.StandardError.ReadToEnd().Trim()}");
        using var stream = File.OpenRead(_output);
        return JsonSerializer.Deserialize<ClientLog>(stream)!;
    }

    private static string? ReadLine(Process process, TimeSpan deadline)
    {
        var read = process.StandardOutput.ReadLineAsync();
        return read.Wait(deadline) ? read.Result : null;
    }

    private void Kill()
    {
        try { if (!_process.HasExited) _process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
        File.Delete(_configFile);
        File.Delete(_output);
    }
}
