namespace HaMaster.Bench;

public sealed partial class Scenarios
{
    /// <summary>
    /// Runs <paramref name="script"/> on the three-replica cluster <paramref name="cluster"/>, once per
    /// run, with the availability client of figure d around it, and records its wall time in seconds
    /// as figure <paramref name="figure"/> (with <paramref name="target"/>), the probes and writes that
    /// failed as <c>figure</c>FailedProbes and FailedWrites (target: none in any run), and its steps.
    /// <paramref name="prepare"/> runs before each run's steady wait; <paramref name="measured"/> after
    /// each run, with its number.
    /// </summary>
    private void MeasureUnderClient(BenchHome home, string cluster, string figure, string script, Target? target,
        Action<int>? prepare = null, Action<int>? measured = null)
    {
        var seconds = new List<double>();
        var failedProbes = new List<double>();
        var failedWrites = new List<double>();
        var steps = new List<List<ProgressMark>>();
        for (var i = 1; i <= options.Runs; i++)
        {
            cancel.ThrowIfCancellationRequested();
            prepare?.Invoke(i);
            Steady(home, cluster, 3);
            var state = home.Load(cluster);
            var config = new ClientConfig(state.Address, home.State.PkiDirectory(cluster), state.Replicas.Select(r => r.ClientUrl).ToList(),
                $"/hamaster-bench/{figure}/{i}/", Path.Combine(home.Path, $"client-{figure}-{i}.json"),
                options.Interval.TotalMilliseconds, options.ProbeDeadline.TotalMilliseconds, options.WriteDeadline.TotalMilliseconds, options.Hedge.TotalMilliseconds);
            EventMetrics metrics;
            using (var client = AvailabilityClientProcess.Start(config, home.Path))
            {
                Thread.Sleep(500);
                var window = CommandEvent(figure, home, cluster, script);
                metrics = EventMetrics.Of(window, client.Stop(options.WriteDeadline + TimeSpan.FromSeconds(30)));
                steps.Add([new ProgressMark(0, "", "(pipeline start to its first progress record)"), .. window.Steps ?? [], new ProgressMark(window.CommandMs!.Value, "", "(end)")]);
                if (metrics.FailedProbes + metrics.FailedWrites > 0)
                    Log($"  failed: {string.Join(", ", metrics.ProbeErrors.Concat(metrics.WriteErrors).Select(e => $"{e.Value} x {e.Key}"))}");
            }
            seconds.Add(Math.Round(metrics.CommandMs!.Value / 1000, 2));
            failedProbes.Add(metrics.FailedProbes);
            failedWrites.Add(metrics.FailedWrites);
            Log($"{figure} run {i}: {seconds[^1]:0.0} s, probes {metrics.ProbesSent} (failed {metrics.FailedProbes}, longest gap {metrics.LongestGapMs:0} ms), writes {metrics.WritesAttempted} (failed {metrics.FailedWrites})");
            measured?.Invoke(i);
        }
        results.Figures[figure] = new Figure(seconds, "s", target);
        results.Figures[$"{figure}FailedProbes"] = new Figure(failedProbes, "probes", Target.EveryRun(0));
        results.Figures[$"{figure}FailedWrites"] = new Figure(failedWrites, "writes", Target.EveryRun(0));
        results.Steps[figure] = StepBreakdown.Of(steps);
    }
}
