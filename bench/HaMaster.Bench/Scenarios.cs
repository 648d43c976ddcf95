using System.Diagnostics;
using System.Management.Automation;
using HaMaster.Engine.Etcd;

namespace HaMaster.Bench;

/// <summary>
/// The scenarios. Each runs in a state folder of its own and removes its clusters at the end; every
/// cmdlet runs in the hosted PowerShell engine exactly as a user would type it, timed by a
/// Stopwatch around the pipeline. The first run of the create and scale scenarios is a warm-up
/// (JIT of the module's code paths in this process); it is reported apart and not in the figures.
/// </summary>
public sealed partial class Scenarios(Options options, Results results, CancellationToken cancel)
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan HealthyTimeout = TimeSpan.FromSeconds(90);

    private void Log(string text) => Console.Error.WriteLine($"[{DateTime.Now:HH:mm:ss}] {text}");

    /// <summary>(a) New-HaCluster until the cluster address answers /readyz over verified TLS.</summary>
    public void Create()
    {
        using var home = Track(new BenchHome("create", cancel));
        var runs = new List<double>();
        var steps = new List<List<ProgressMark>>();
        for (var i = 0; i <= options.Runs; i++)
        {
            cancel.ThrowIfCancellationRequested();
            var name = $"cr{i}";
            var invocation = home.Shell.Run($"New-HaCluster -Name {name}", CommandTimeout);
            var address = invocation.Output.Single().Get<string>("Address")!;
            var probe = new ReadyzProbe(address, home.Pki(name).LoadClusterCa());
            var watch = Stopwatch.StartNew();
            while (probe.ProbeAsync(TimeSpan.FromSeconds(1)).GetAwaiter().GetResult() is { } problem)
            {
                if (watch.Elapsed > TimeSpan.FromSeconds(30)) throw new BenchException($"{address} did not answer /readyz 30 s after New-HaCluster: {problem}");
                Thread.Sleep(20);
            }
            var total = EventMetrics.Ms(Stopwatch.GetTimestamp() - invocation.StartedTimestamp);
            Log($"create run {i}{(i == 0 ? " (warm-up)" : "")}: {total:0} ms (New-HaCluster {invocation.Elapsed.TotalMilliseconds:0} ms)");
            if (i == 0) results.Extra["createWarmUpMs"] = Math.Round(total, 1);
            else { runs.Add(total); steps.Add(StepBreakdown.Timeline(invocation)); }
            home.Shell.Run($"Remove-HaCluster -Name {name} -Force", CommandTimeout);
        }
        results.Figures["create"] = new Figure(runs, "ms", Target.Median(3000));
        results.Steps["create"] = StepBreakdown.Of(steps);
    }

    /// <summary>(b) From 1 to 3 replicas with Add-MasterReplica -Count 2, until all are healthy.</summary>
    public void Scale()
    {
        using var home = Track(new BenchHome("scale", cancel));
        var runs = new List<double>();
        var steps = new List<List<ProgressMark>>();
        for (var i = 0; i <= options.Runs; i++)
        {
            cancel.ThrowIfCancellationRequested();
            var name = $"sc{i}";
            home.Shell.Run($"New-HaCluster -Name {name}", CommandTimeout);
            var invocation = home.Shell.Run($"Add-MasterReplica -Cluster {name} -Count 2", CommandTimeout);
            var total = UntilHealthy(home, name, 3, invocation);
            Log($"scale run {i}{(i == 0 ? " (warm-up)" : "")}: {total:0} ms (Add-MasterReplica {invocation.Elapsed.TotalMilliseconds:0} ms)");
            if (i == 0) results.Extra["scaleWarmUpMs"] = Math.Round(total, 1);
            else { runs.Add(total); steps.Add(StepBreakdown.Timeline(invocation)); }
            home.Shell.Run($"Remove-HaCluster -Name {name} -Force", CommandTimeout);
        }
        results.Figures["scale"] = new Figure(runs, "ms", Target.Median(5000));
        results.Steps["scale"] = StepBreakdown.Of(steps);
    }

    /// <summary>
    /// (c) From a crash (SIGKILL of one replica's etcd and API endpoint) to healthy again through
    /// <c>Get-MasterReplica | Where Unhealthy | Replace-MasterReplica</c>, detection included. Runs
    /// alternate between crashing a follower's replica and the etcd leader's; each crash comes at
    /// least 6 s after the previous membership change.
    /// </summary>
    public void Repair()
    {
        using var home = Track(new BenchHome("repair", cancel));
        const string name = "rp";
        home.Shell.Run($"New-HaCluster -Name {name}", CommandTimeout);
        home.Shell.Run($"Add-MasterReplica -Cluster {name} -Count 2", CommandTimeout);
        var lastChange = Stopwatch.GetTimestamp();
        var runs = new Dictionary<string, List<double>> { ["Follower"] = [], ["Leader"] = [] };
        var steps = new Dictionary<string, List<List<ProgressMark>>> { ["Follower"] = [], ["Leader"] = [] };
        var failures = new List<string>();
        for (var i = 0; i < 2 * options.Runs; i++)
        {
            cancel.ThrowIfCancellationRequested();
            var role = i % 2 == 0 ? "Follower" : "Leader";
            home.WaitHealthy(name, 3, HealthyTimeout);
            // A crash comes long after the last membership change, not seconds after the previous
            // run's: etcd (--strict-reconfig-check) refuses a member add until its leader has been
            // connected to every voter for 5 s, which back-to-back runs would pay every time.
            var sinceChange = Stopwatch.GetElapsedTime(lastChange);
            if (sinceChange < MembershipSettle) Thread.Sleep(MembershipSettle - sinceChange);
            var replicas = home.WaitHealthy(name, 3, HealthyTimeout);
            var victim = replicas.First(r => r.Get<string>("EtcdRole") == role).Get<string>("Name")!;
            var crashed = Stopwatch.GetTimestamp();
            home.Crash(name, victim);
            // Errors are allowed (and noted): the pipeline may also pick replicas that only looked unhealthy.
            var invocation = home.Shell.Run(RepairPipeline, CommandTimeout, allowErrors: true);
            Note($"repair{role}Crash", invocation);
            var replaced = invocation.Output.Select(o => o.Get<string>("Name")).ToList();
            double total;
            try
            {
                total = UntilHealthy(home, name, 3, invocation, crashed);
            }
            catch (BenchException e)
            {
                // Reported, then the cluster is brought back so the next runs can go on.
                failures.Add($"{role} crashed: {Redact.Text(e.Message, home.Path)}");
                Log($"repair run {i} ({role} crashed) FAILED: {e.Message}");
                RecoverAfterFailedRepair(home, name);
                lastChange = Stopwatch.GetTimestamp();
                continue;
            }
            lastChange = Stopwatch.GetTimestamp();
            Log($"repair run {i} ({role} crashed: {victim}): {total:0} ms (pipeline {invocation.Elapsed.TotalMilliseconds:0} ms, replaced {replaced.Count}, errors {invocation.Errors.Count})");
            runs[role].Add(total);
            steps[role].Add(StepBreakdown.Timeline(invocation));
        }
        results.Figures["repairFollowerCrash"] = new Figure(runs["Follower"], "ms", Target.Median(4000));
        results.Figures["repairLeaderCrash"] = new Figure(runs["Leader"], "ms", Target.Median(4000));
        results.Steps["repairFollowerCrash"] = StepBreakdown.Of(steps["Follower"]);
        results.Steps["repairLeaderCrash"] = StepBreakdown.Of(steps["Leader"]);
        if (failures.Count > 0) results.Failures["repair"] = failures;
    }

    /// <summary>etcd's HealthInterval (5 s) and a margin.</summary>
    private static readonly TimeSpan MembershipSettle = TimeSpan.FromSeconds(6);

    public const string RepairPipeline = "Get-MasterReplica | Where Unhealthy | Replace-MasterReplica";

    /// <summary>Keeps the errors a pipeline reported (allowed, but worth knowing) with the figure they belong to.</summary>
    private void Note(string figure, Invocation invocation)
    {
        if (invocation.Errors.Count == 0) return;
        if (!results.Notes.TryGetValue(figure, out var notes)) results.Notes[figure] = notes = [];
        notes.Add(Redact.Text($"{invocation.Errors.Count} error(s): {string.Join(" | ", invocation.Errors.Distinct())}"));
    }

    private void RecoverAfterFailedRepair(BenchHome home, string name)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromMinutes(2))
        {
            try
            {
                home.Shell.Run(RepairPipeline + " -Force", CommandTimeout, allowErrors: true);
                var count = home.Replicas(name).Count;
                if (count < 3) home.Shell.Run($"Add-MasterReplica -Cluster {name} -Count {3 - count}", CommandTimeout);
                home.WaitHealthy(name, 3, TimeSpan.FromSeconds(20));
                return;
            }
            catch (BenchException e)
            {
                Log($"  recovering: {e.Message}");
                Thread.Sleep(1000);
            }
        }
        throw new BenchException($"Cluster {name} could not be brought back to 3 healthy replicas after a failed repair.");
    }

    /// <summary>
    /// Milliseconds from <paramref name="from"/> (default: the pipeline's start) until all replicas are
    /// healthy: the pipeline's end when a Get-MasterReplica right after it finds them all healthy
    /// (that check is not counted), else the first such check that does.
    /// </summary>
    private static double UntilHealthy(BenchHome home, string cluster, int count, Invocation invocation, long? from = null)
    {
        var start = from ?? invocation.StartedTimestamp;
        var replicas = home.Replicas(cluster);
        if (replicas.Count == count && replicas.All(r => r.Get<bool>("Healthy"))) return EventMetrics.Ms(invocation.EndedTimestamp - start);
        home.WaitHealthy(cluster, count, HealthyTimeout);
        return EventMetrics.Ms(Stopwatch.GetTimestamp() - start);
    }

    /// <summary>(f) Get-MasterReplica on a 5-replica cluster (after one call not counted: the first of the session).</summary>
    public void List()
    {
        using var home = Track(new BenchHome("list", cancel));
        const string name = "ls";
        home.Shell.Run($"New-HaCluster -Name {name}", CommandTimeout);
        home.Shell.Run($"Add-MasterReplica -Cluster {name} -Count 4", CommandTimeout);
        home.WaitHealthy(name, 5, HealthyTimeout);
        var runs = new List<double>();
        for (var i = 0; i <= options.Runs; i++)
        {
            cancel.ThrowIfCancellationRequested();
            Thread.Sleep(200);
            var invocation = home.Shell.Run("Get-MasterReplica", TimeSpan.FromMinutes(1));
            if (invocation.Output.Count != 5) throw new BenchException($"Get-MasterReplica returned {invocation.Output.Count} replicas, not 5.");
            var ms = invocation.Elapsed.TotalMilliseconds;
            Log($"Get-MasterReplica run {i}{(i == 0 ? " (warm-up)" : "")}: {ms:0} ms");
            if (i == 0) results.Extra["getMasterReplica5WarmUpMs"] = Math.Round(ms, 1);
            else runs.Add(ms);
        }
        results.Figures["getMasterReplica5"] = new Figure(runs, "ms", Target.Median(300));
    }

    /// <summary>(d) and (e): availability during changes, then every acknowledged write read back.</summary>
    public void Availability()
    {
        using var home = Track(new BenchHome("availability", cancel));
        const string name = "av";
        home.Shell.Run($"New-HaCluster -Name {name}", CommandTimeout);
        home.Shell.Run($"Add-MasterReplica -Cluster {name} -Count 2", CommandTimeout);
        var metrics = new List<EventMetrics>();
        var acknowledged = new List<(string Key, string Value)>();
        var acknowledgedPerCycle = new List<double>();
        var lostPerCycle = new List<double>();
        var failedButPresent = 0;
        var failures = new List<string>();
        for (var cycle = 1; cycle <= options.Runs; cycle++)
        {
            cancel.ThrowIfCancellationRequested();
            Steady(home, name, 3);
            var state = home.Load(name);
            var prefix = $"/hamaster-bench/{cycle}/";
            var config = new ClientConfig(state.Address, home.State.PkiDirectory(name), state.Replicas.Select(r => r.ClientUrl).ToList(),
                prefix, Path.Combine(home.Path, $"client-{cycle}.json"),
                options.Interval.TotalMilliseconds, options.ProbeDeadline.TotalMilliseconds, options.WriteDeadline.TotalMilliseconds, options.Hedge.TotalMilliseconds);
            var windows = new List<EventWindow>();
            var cycleFailed = false;
            using (var client = AvailabilityClientProcess.Start(config, home.Path))
            {
                Thread.Sleep(1000); // a quiet second first: the baseline
                try
                {
                    windows.Add(Quiet(1000));
                    windows.Add(CrashEvent(home, name, "Follower"));
                    windows.Add(CommandEvent("repair after follower crash", home, name, RepairPipeline, allowErrors: true));
                    Steady(home, name, 3);
                    windows.Add(CrashEvent(home, name, "Leader"));
                    windows.Add(CommandEvent("repair after leader crash", home, name, RepairPipeline, allowErrors: true));
                    Steady(home, name, 3);
                    var leader = home.Replicas(name).Single(r => r.Get<string>("EtcdRole") == "Leader").Get<string>("Name");
                    windows.Add(CommandEvent("remove leader's replica (3 to 2)", home, name, $"Remove-MasterReplica -Cluster {name} -Name {leader}"));
                    var follower = Steady(home, name, 2).First(r => r.Get<string>("EtcdRole") == "Follower").Get<string>("Name");
                    windows.Add(CommandEvent("remove second replica (2 to 1, load balancer removed)", home, name, $"Remove-MasterReplica -Cluster {name} -Name {follower}"));
                    Steady(home, name, 1);
                    windows.Add(CommandEvent("add second replica (1 to 2, load balancer created)", home, name, $"Add-MasterReplica -Cluster {name}"));
                    Steady(home, name, 2);
                    windows.Add(CommandEvent("add third replica (2 to 3)", home, name, $"Add-MasterReplica -Cluster {name}"));
                    Thread.Sleep(500);
                }
                catch (BenchException e)
                {
                    cycleFailed = true;
                    failures.Add($"cycle {cycle}: {Redact.Text(e.Message, home.Path)}");
                    Log($"availability cycle {cycle} FAILED: {e.Message}");
                }
                var log = client.Stop(options.WriteDeadline + TimeSpan.FromSeconds(30));
                if (options.KeepClientLogs is { } keep)
                {
                    Directory.CreateDirectory(keep);
                    File.WriteAllText(Path.Combine(keep, $"cycle-{cycle}.json"), System.Text.Json.JsonSerializer.Serialize(new { log, windows, frequency = Stopwatch.Frequency }));
                }
                foreach (var window in windows)
                {
                    var m = EventMetrics.Of(window, log);
                    metrics.Add(m);
                    Log($"  {m.Kind}: probes {m.ProbesSent}, failed {m.FailedProbes}, longest gap {m.LongestGapMs:0} ms, writes {m.WritesAttempted}, failed {m.FailedWrites}, max write {m.MaxWriteLatencyMs:0} ms"
                        + (m.CommandMs is { } c ? $", command {c:0} ms" : "")
                        + (m.ProbeErrors.Count > 0 ? $"; probe errors: {string.Join(", ", m.ProbeErrors.Select(e => $"{e.Key} x{e.Value}"))}" : "")
                        + (m.WriteErrors.Count > 0 ? $"; write errors: {string.Join(", ", m.WriteErrors.Select(e => $"{e.Key} x{e.Value}"))}" : ""));
                }
                // (e) Durability: every write acknowledged in this cycle is read back now.
                if (cycleFailed) RecoverAfterFailedRepair(home, name);
                var mine = log.Writes.Where(w => w.Acknowledged).Select(w => (prefix + AvailabilityClient.Key(w.Index), w.Index.ToString(System.Globalization.CultureInfo.InvariantCulture))).ToList();
                var unacknowledged = log.Writes.Where(w => !w.Acknowledged).Select(w => (prefix + AvailabilityClient.Key(w.Index), w.Index.ToString(System.Globalization.CultureInfo.InvariantCulture))).ToList();
                var lost = ReadBack(home, name, mine);
                failedButPresent += unacknowledged.Count - ReadBack(home, name, unacknowledged).Count;
                acknowledged.AddRange(mine);
                acknowledgedPerCycle.Add(mine.Count);
                lostPerCycle.Add(lost.Count);
                Log($"cycle {cycle}: {mine.Count} writes acknowledged, {lost.Count} lost on read-back{(lost.Count > 0 ? ": " + string.Join(", ", lost.Take(5)) : "")}");
            }
        }
        // Once more at the end, every cycle's writes (after all the membership changes since).
        var lostAtEnd = ReadBack(home, name, acknowledged).Count;
        results.Availability = metrics;
        results.Figures["durabilityAcknowledged"] = new Figure(acknowledgedPerCycle, "writes");
        results.Figures["durabilityLost"] = new Figure(lostPerCycle, "writes", Target.EveryRun(0));
        results.Extra["durabilityLostAtEnd"] = lostAtEnd;
        results.Extra["durabilityAcknowledgedTotal"] = acknowledged.Count;
        results.Extra["failedWritesFoundWritten"] = failedButPresent;
        if (failures.Count > 0) results.Failures["availability"] = failures;
    }

    private static EventWindow Quiet(int milliseconds)
    {
        var start = Stopwatch.GetTimestamp();
        Thread.Sleep(milliseconds);
        return new EventWindow("quiet (no change)", start, Stopwatch.GetTimestamp(), null);
    }

    private static string Describe(IEnumerable<PSObject> replicas) =>
        string.Join(", ", replicas.Select(r => $"{r.Get<string>("Name")} {r.Get<string>("InternalAddress")} {r.Get<string>("EtcdRole")}"));

    private EventWindow CrashEvent(BenchHome home, string cluster, string role)
    {
        var replicas = home.Replicas(cluster);
        var victim = replicas.First(r => r.Get<string>("EtcdRole") == role).Get<string>("Name")!;
        var start = Stopwatch.GetTimestamp();
        home.Crash(cluster, victim);
        Thread.Sleep(options.CrashWindow);
        return new EventWindow($"crash of a {role.ToLowerInvariant()}'s replica", start, Stopwatch.GetTimestamp(), null, Before: $"{victim} crashed; {Describe(replicas)}");
    }

    private EventWindow CommandEvent(string kind, BenchHome home, string cluster, string script, bool allowErrors = false)
    {
        var before = Describe(home.Replicas(cluster));
        var invocation = home.Shell.Run(script, CommandTimeout, allowErrors);
        Note(kind, invocation);
        Thread.Sleep(options.Tail);
        return new EventWindow(kind, invocation.StartedTimestamp, invocation.EndedTimestamp + (long)(options.Tail.TotalSeconds * Stopwatch.Frequency), invocation.Elapsed.TotalMilliseconds, invocation.Progress, before);
    }

    /// <summary>Before an event: the cluster has <paramref name="count"/> healthy replicas and a quiet half second.</summary>
    private static List<PSObject> Steady(BenchHome home, string cluster, int count)
    {
        var replicas = home.WaitHealthy(cluster, count, HealthyTimeout);
        Thread.Sleep(500);
        return replicas;
    }

    /// <summary>The keys whose value is not what was written (linearizable reads, through any member that answers).</summary>
    private List<string> ReadBack(BenchHome home, string cluster, IReadOnlyList<(string Key, string Value)> writes)
    {
        var state = home.Load(cluster);
        using var gateway = new EtcdGateway(home.Pki(cluster).LoadEtcdCredentials());
        var endpoints = state.Replicas.Select(r => r.ClientUrl).ToList();
        var lost = new List<string>();
        Parallel.ForEach(writes, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancel }, write =>
        {
            for (var attempt = 0; ; attempt++)
            {
                try
                {
                    var value = gateway.GetAsync(endpoints[attempt % endpoints.Count], write.Key, cancel).GetAwaiter().GetResult();
                    if (value != write.Value) lock (lost) lost.Add(write.Key);
                    return;
                }
                catch (EtcdRequestException) when (attempt < 20)
                {
                    Thread.Sleep(100);
                }
            }
        });
        return lost;
    }

    private BenchHome Track(BenchHome home)
    {
        results.Homes.Add(home);
        return home;
    }
}
