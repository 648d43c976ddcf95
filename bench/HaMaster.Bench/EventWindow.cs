using System.Diagnostics;

namespace HaMaster.Bench;

/// <summary>
/// One event of the availability scenario: from <see cref="Start"/> (right before the crash or the
/// command) to <see cref="End"/> (the crash window, or the command's return plus the tail), as
/// Stopwatch timestamps. <see cref="CommandMs"/> is how long the command itself took, <see cref="Steps"/>
/// its progress records (ms from <see cref="Start"/>), <see cref="Before"/> the replicas right before it
/// (name, address, etcd role), for diagnosis.
/// </summary>
public sealed record EventWindow(string Kind, long Start, long End, double? CommandMs, IReadOnlyList<ProgressMark>? Steps = null, string? Before = null);

/// <summary>What the client saw during one event.</summary>
public sealed record EventMetrics(
    string Kind, int ProbesSent, int FailedProbes, double LongestGapMs, double MaxProbeMs,
    int WritesAttempted, int FailedWrites, double MaxWriteLatencyMs, int SkippedTicks, double? CommandMs,
    Dictionary<string, int> ProbeErrors, Dictionary<string, int> WriteErrors)
{
    /// <summary>
    /// Probes sent = probes started inside the window; failed = those without a 200 in time. The
    /// longest gap is the longest time between the ends of two successive successful probes, counting
    /// the last success before the window and the first after it (so an outage that spills over the
    /// window's edge is measured whole). Writes attempted = slots starting inside the window; failed =
    /// slots no member acknowledged before the deadline.
    /// </summary>
    public static EventMetrics Of(EventWindow window, ClientLog log)
    {
        var probes = log.Probes.Where(p => p.Start >= window.Start && p.Start <= window.End).ToList();
        var successes = log.Probes.Where(p => p.Error is null).Select(p => p.End).Order().ToList();
        var points = new List<long> { successes.LastOrDefault(s => s <= window.Start, window.Start) };
        points.AddRange(successes.Where(s => s > window.Start && s <= window.End));
        points.Add(successes.FirstOrDefault(s => s > window.End, Math.Max(window.End, log.Stopped)));
        var longestGap = points.Zip(points.Skip(1), (a, b) => b - a).DefaultIfEmpty(0).Max();

        var writes = log.Writes.Where(w => w.Slot >= window.Start && w.Slot <= window.End).ToList();
        var acknowledged = writes.Where(w => w.Acknowledged).ToList();
        return new EventMetrics(
            window.Kind,
            probes.Count,
            probes.Count(p => p.Error is not null),
            Ms(longestGap),
            probes.Select(p => Ms(p.End - p.Start)).DefaultIfEmpty(0).Max(),
            writes.Count,
            writes.Count(w => !w.Acknowledged),
            acknowledged.Select(w => Ms(w.End - w.Slot)).DefaultIfEmpty(0).Max(),
            log.SkippedProbeTicks.Concat(log.SkippedWriteTicks).Count(t => t >= window.Start && t <= window.End),
            window.CommandMs,
            Count(probes.Where(p => p.Error is not null).Select(p => p.Error!)),
            Count(writes.Where(w => !w.Acknowledged).Select(w => w.Error ?? "")));
    }

    public static double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;

    private static Dictionary<string, int> Count(IEnumerable<string> errors) =>
        errors.GroupBy(e => e).OrderByDescending(g => g.Count()).ToDictionary(g => g.Key, g => g.Count());
}
