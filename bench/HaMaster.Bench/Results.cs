using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace HaMaster.Bench;

/// <summary>Everything measured, written as bench/results/latest.json and printed as a table.</summary>
public sealed partial class Results
{
    public Dictionary<string, Figure> Figures { get; } = new();
    public Dictionary<string, double> Extra { get; } = new();
    public Dictionary<string, List<StepTime>> Steps { get; } = new();
    public Dictionary<string, List<string>> Failures { get; } = new();
    /// <summary>Errors a pipeline reported that did not stop the measurement (per figure or event).</summary>
    public Dictionary<string, List<string>> Notes { get; } = new();
    public List<EventMetrics> Availability { get; set; } = [];
    public List<DrillResult> Drills { get; } = [];
    /// <summary>Figure g, from bench/GceWaits; null when it did not run.</summary>
    public GceFigures? Gce { get; set; }
    public List<BenchHome> Homes { get; } = [];

    private static readonly (string Key, string Label)[] Rows =
    [
        ("create", "a. create: New-HaCluster until the cluster address answers /readyz"),
        ("scale", "b. scale: 1 to 3 replicas (Add-MasterReplica -Count 2) until all healthy"),
        ("repairFollowerCrash", "c. repair: follower's replica SIGKILLed to healthy (Get \\| Where Unhealthy \\| Replace)"),
        ("repairLeaderCrash", "c. repair: leader's replica SIGKILLed to healthy (same pipeline)"),
        ("durabilityLost", "e. durability: acknowledged writes lost (per cycle of d)"),
        ("durabilityAcknowledged", "e. durability: acknowledged writes read back (per cycle of d)"),
        ("importFresh", "f. Import-Module, fresh process (installed layout)"),
        ("importWarm", "f. Import-Module, warm (new runspace, same process)"),
        ("getMasterReplica5", "f. Get-MasterReplica, 5-replica cluster"),
        ("backup", "h. backup: Backup-HaCluster of a database over 100 MiB (target 50 MB/s)"),
        ("rule12Remove", "h. rule 12: share of Remove-MasterReplica spent on its backup"),
        ("rule12Add", "h. rule 12: share of Add-MasterReplica spent on its backup"),
        ("restore", "i. restore: two of three disks lost to healthy with three replicas (detection included)"),
        ("noQuorumRefusal", "i. restore: a refused Repair-MasterReplica on a cluster without quorum"),
        ("restoreWritesLost", "i. restore: acknowledged writes lost (of 200; the survivor is a follower)"),
    ];

    /// <summary>The availability figures of each event kind, in the order the events ran.</summary>
    public IEnumerable<(string Kind, bool Planned, Dictionary<string, Figure> Figures)> AvailabilityFigures()
    {
        foreach (var group in Availability.GroupBy(m => m.Kind))
        {
            var crash = group.Key.StartsWith("crash", StringComparison.Ordinal);
            var planned = !crash && !group.Key.StartsWith("quiet", StringComparison.Ordinal);
            var figures = new Dictionary<string, Figure>
            {
                ["probesSent"] = new(group.Select(m => (double)m.ProbesSent), "probes"),
                ["failedProbes"] = new(group.Select(m => (double)m.FailedProbes), "probes", planned ? Target.EveryRun(0) : null),
                ["longestGapMs"] = new(group.Select(m => m.LongestGapMs), "ms", crash ? Target.EveryRun(2000) : null),
                ["writesAttempted"] = new(group.Select(m => (double)m.WritesAttempted), "writes"),
                ["failedWrites"] = new(group.Select(m => (double)m.FailedWrites), "writes", planned ? Target.EveryRun(0) : null),
                ["maxWriteLatencyMs"] = new(group.Select(m => m.MaxWriteLatencyMs), "ms"),
                ["maxProbeMs"] = new(group.Select(m => m.MaxProbeMs), "ms"),
                ["skippedTicks"] = new(group.Select(m => (double)m.SkippedTicks), "ticks"),
            };
            if (group.All(m => m.CommandMs is not null)) figures["commandMs"] = new(group.Select(m => m.CommandMs!.Value), "ms");
            yield return (group.Key, planned, figures);
        }
    }

    public JsonObject ToJson(Options options, TimeSpan duration, JsonObject machine)
    {
        var local = new JsonObject();
        foreach (var (key, figure) in Figures) local[key] = figure.ToJson();
        var events = new JsonObject();
        foreach (var (kind, planned, figures) in AvailabilityFigures())
        {
            var item = new JsonObject { ["planned"] = planned };
            foreach (var (name, figure) in figures) item[name] = figure.ToJson();
            var probeErrors = new JsonObject();
            foreach (var e in Availability.Where(m => m.Kind == kind).SelectMany(m => m.ProbeErrors).GroupBy(e => e.Key)) probeErrors[e.Key] = e.Sum(x => x.Value);
            var writeErrors = new JsonObject();
            foreach (var e in Availability.Where(m => m.Kind == kind).SelectMany(m => m.WriteErrors).GroupBy(e => e.Key)) writeErrors[e.Key] = e.Sum(x => x.Value);
            item["probeErrors"] = probeErrors;
            item["writeErrors"] = writeErrors;
            events[kind] = item;
        }
        if (Availability.Count > 0)
        {
            local["availability"] = new JsonObject
            {
                ["definitions"] = new JsonObject
                {
                    ["probe"] = $"every {options.Interval.TotalMilliseconds:0} ms a new probe starts: new TCP connection to the cluster address:6443, TLS verified against the cluster CA (the certificate must name the address), GET /readyz; success = 200 within {options.ProbeDeadline.TotalMilliseconds:0} ms",
                    ["write"] = $"every {options.Interval.TotalMilliseconds:0} ms slot i puts key /hamaster-bench/<cycle>/i through EtcdGateway (mTLS) to a member's client URL (last that acknowledged first); on an error the next member is tried at once, and also when the attempts under way have not answered within {options.Hedge.TotalMilliseconds:0} ms (a just-killed or just-removed member leaves a gRPC call waiting on its reconnecting channel instead of failing it); failed = no member acknowledged within {options.WriteDeadline.TotalMilliseconds:0} ms of the slot's start",
                    ["window"] = $"a crash: {options.CrashWindow.TotalMilliseconds:0} ms from the SIGKILL; a command: from its start to its return plus {options.Tail.TotalMilliseconds:0} ms",
                    ["longestGap"] = "longest time between the ends of two successive successful probes, counting the last success before the window and the first after it",
                    ["targets"] = "planned events (removal, addition, repair): no failed probe and no failed write in any run; crashes: longest gap <= 2000 ms in every run",
                    ["client"] = "a separate process (HaMaster.Bench --client), so its timing does not share a thread pool or GC with the PowerShell work",
                },
                ["events"] = events,
            };
        }
        var extra = new JsonObject();
        foreach (var (key, value) in Extra) extra[key] = value;
        local["extra"] = extra;
        var steps = new JsonObject();
        foreach (var (key, list) in Steps)
            steps[key] = new JsonArray(list.Select(s => (JsonNode)new JsonObject { ["step"] = s.Step, ["medianMs"] = Math.Round(s.MedianMs, 1) }).ToArray());
        local["stepsMedianMs"] = steps;
        local["cleanup"] = new JsonArray(Homes.Where(h => h.Cleanup is not null).Select(h => (JsonNode)new JsonObject
        {
            ["scenario"] = h.Cleanup!.Scenario,
            ["leftoverProcesses"] = h.Cleanup.LeftoverProcesses,
            ["leftoverReservations"] = h.Cleanup.LeftoverReservations,
            ["removeError"] = h.Cleanup.RemoveError,
        }).ToArray());
        if (Notes.Count > 0)
        {
            var notes = new JsonObject();
            foreach (var (key, list) in Notes) notes[key] = new JsonArray(list.Select(f => (JsonNode)JsonValue.Create(f)!).ToArray());
            local["pipelineErrors"] = notes;
        }
        if (Failures.Count > 0)
        {
            var failures = new JsonObject();
            foreach (var (key, list) in Failures) failures[key] = new JsonArray(list.Select(f => (JsonNode)JsonValue.Create(f)!).ToArray());
            local["failures"] = failures;
        }

        return new JsonObject
        {
            ["schema"] = 1,
            ["generatedAt"] = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
            ["durationSeconds"] = Math.Round(duration.TotalSeconds),
            ["runs"] = options.Runs,
            ["scenarios"] = new JsonArray(Options.AllScenarios.Where(options.Scenarios.Contains).Select(s => (JsonNode)JsonValue.Create(s)!).ToArray()),
            ["machine"] = machine,
            ["statistics"] = "each figure: median, min and max of its runs; 'target' names the statistic it applies to ('max' = every run must meet it)",
            ["local"] = local,
            ["drills"] = DrillsJson(options),
            ["gce"] = Gce?.ToJson(),
        };
    }

    private JsonObject? DrillsJson(Options options)
    {
        if (Drills.Count == 0) return null;
        var drills = new JsonObject
        {
            ["definitions"] = new JsonObject
            {
                ["cluster"] = "each drill: a cluster of 3 replicas of its own; every run starts with the cluster Healthy and at least 6 s after the previous membership change",
                ["reportedMs"] = "from the fault (the signal, the deletion; for the full disk: the exit of the etcd that found its disk full) to the end of the first Get-MasterReplica (or Get-HaCluster, for the load balancer) that shows it; looks follow one another without pause",
                ["command"] = "run as soon as the fault shows; the full-disk drill first unmounts the full tmpfs (the operator frees the disk)",
                ["healthyAgainMs"] = "from the command's start until Get-HaCluster shows the cluster Healthy with 3 replicas: the command's end when a look right after it does, else the first look that does",
                ["client"] = $"the availability client of figure d (a probe and a write every {options.Interval.TotalMilliseconds:0} ms) from right before the fault until healthy again; for the full disk the window starts when the fill starts",
                ["acknowledgedWritesLost"] = "writes the client had acknowledged during the run (from its start to healthy again) that a linearizable read-back after the run did not find",
                ["outcome"] = "pass: every run showed the fault, was Healthy again after the command and lost no acknowledged write",
            },
        };
        foreach (var drill in Drills) drills[drill.Key] = drill.ToJson();
        drills["modelBased"] = ModelBasedTest.ToJson();
        return drills;
    }

    /// <summary>The human table (Markdown, so that it can go into bench/README.md as printed).</summary>
    public string Table()
    {
        var text = new StringBuilder();
        if (Rows.Any(row => Figures.ContainsKey(row.Key)))
        {
            text.AppendLine("| figure | median (min–max) | unit | target | met |");
            text.AppendLine("|---|---|---|---|---|");
        }
        foreach (var (key, label) in Rows)
        {
            if (!Figures.TryGetValue(key, out var figure)) continue;
            text.AppendLine($"| {label} | {figure.Cell()} | {figure.Unit} | {figure.Target?.ToString() ?? ""} | {figure.MetCell} |");
        }
        var events = AvailabilityFigures().ToList();
        if (events.Count > 0)
        {
            text.AppendLine();
            text.AppendLine("d. availability, per event: median (min–max) over the runs");
            text.AppendLine();
            text.AppendLine("| event | command ms | probes | failed probes | longest gap ms | writes | failed writes | max write ms | target | met |");
            text.AppendLine("|---|---|---|---|---|---|---|---|---|---|");
            foreach (var (kind, planned, figures) in events)
            {
                var targets = figures.Values.Where(f => f.Target is not null).ToList();
                var target = planned ? "no failed probe or write" : kind.StartsWith("crash", StringComparison.Ordinal) ? "longest gap <= 2000 ms" : "";
                var met = targets.Count == 0 ? "" : targets.All(f => f.Met == true) ? "yes" : "**no**";
                text.AppendLine($"| {kind} | {(figures.TryGetValue("commandMs", out var c) ? c.Cell() : "")} | {figures["probesSent"].Cell()} | {figures["failedProbes"].Cell()} | {figures["longestGapMs"].Cell()} | {figures["writesAttempted"].Cell()} | {figures["failedWrites"].Cell()} | {figures["maxWriteLatencyMs"].Cell()} | {target} | {met} |");
            }
        }
        if (Drills.Count > 0)
        {
            text.AppendLine();
            text.AppendLine("Fault drills: median (min–max) over the runs; reported = fault to the first Get-MasterReplica / Get-HaCluster that shows it; healthy again = from the command's start");
            text.AppendLine();
            text.AppendLine("| drill | command | runs passed | reported ms | healthy again ms | failed probes | longest gap ms | failed writes | acknowledged writes lost | outcome |");
            text.AppendLine("|---|---|---|---|---|---|---|---|---|---|");
            foreach (var drill in Drills) text.AppendLine(drill.Row());
            text.AppendLine(ModelBasedTest.Row);
        }
        if (Gce is not null)
        {
            text.AppendLine();
            text.Append(Gce.Table());
        }
        return text.ToString();
    }
}

/// <summary>How long one step of a flow took (median over the runs), from the progress records the cmdlet wrote.</summary>
public sealed record StepTime(string Step, double MedianMs);

public static partial class StepBreakdown
{
    /// <summary>An invocation's progress records between a mark at its start and one at its end.</summary>
    public static List<ProgressMark> Timeline(Invocation invocation) =>
        [new ProgressMark(0, "", "(pipeline start to its first progress record)"), .. invocation.Progress, new ProgressMark(invocation.Elapsed.TotalMilliseconds, "", "(end)")];

    /// <summary>
    /// Each progress record lasts until the next one. The operation's echo of a flow's name (the
    /// parent bar) is skipped so that a step's time goes to the step. Names, addresses and numbers
    /// are replaced by placeholders so that runs line up; repeated steps (-Count 2) add up.
    /// </summary>
    public static List<StepTime> Of(IReadOnlyList<List<ProgressMark>> runs)
    {
        var order = new List<string>();
        var perRun = new List<Dictionary<string, double>>();
        foreach (var marks in runs)
        {
            var activities = marks.Select(m => m.Activity).ToHashSet();
            var timeline = marks.Where(m => !activities.Contains(m.Status)).ToList();
            var sums = new Dictionary<string, double>();
            for (var i = 0; i + 1 < timeline.Count; i++)
            {
                var label = Normalize(timeline[i].Status);
                if (!order.Contains(label)) order.Add(label);
                sums[label] = sums.GetValueOrDefault(label) + (timeline[i + 1].AtMs - timeline[i].AtMs);
            }
            perRun.Add(sums);
        }
        return order.Select(label => new StepTime(label, Figure.MedianOf(perRun.Select(r => r.GetValueOrDefault(label)).ToList()))).ToList();
    }

    private static string Normalize(string status)
    {
        status = Address().Replace(status, "<address>");
        status = ReplicaName().Replace(status, "<replica>");
        return Digits().Replace(status, "#");
    }

    [GeneratedRegex(@"\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\b")]
    private static partial Regex Address();

    [GeneratedRegex(@"\b[a-z][a-z0-9]*-master(-[0-9a-f]{3})?\b")]
    private static partial Regex ReplicaName();

    [GeneratedRegex(@"\d+")]
    private static partial Regex Digits();
}
