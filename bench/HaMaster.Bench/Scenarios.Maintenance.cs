using HaMaster.Engine.Etcd;

namespace HaMaster.Bench;

public sealed partial class Scenarios
{
    /// <summary>
    /// (k) etcd maintenance. Each run writes 100 MiB of 1 MiB values into a three-replica cluster and
    /// overwrites each with an empty one, so that about 100 MiB of every member's database is history
    /// a compaction frees; then Optimize-HaCluster runs under the availability client. Reported: its
    /// wall time, the space the three members gave back (Get-EtcdMember's DbSize before and after),
    /// and the probes and writes that failed meanwhile.
    /// </summary>
    public void Maintenance()
    {
        using var home = Track(new BenchHome("maintenance", cancel));
        const string name = "op";
        home.Shell.Run($"New-HaCluster -Name {name} | Add-MasterReplica -Count 2", CommandTimeout);
        var seconds = new List<double>();
        var reclaimed = new List<double>();
        var failedProbes = new List<double>();
        var failedWrites = new List<double>();
        var steps = new List<List<ProgressMark>>();
        for (var i = 1; i <= options.Runs; i++)
        {
            cancel.ThrowIfCancellationRequested();
            Fill(home, name, 100 * MiB);
            Overwrite(home, name);
            Steady(home, name, 3);
            var before = DatabaseBytes(home, name);
            var state = home.Load(name);
            var config = new ClientConfig(state.Address, home.State.PkiDirectory(name), state.Replicas.Select(r => r.ClientUrl).ToList(),
                $"/hamaster-bench/optimize/{i}/", Path.Combine(home.Path, $"client-optimize-{i}.json"),
                options.Interval.TotalMilliseconds, options.ProbeDeadline.TotalMilliseconds, options.WriteDeadline.TotalMilliseconds, options.Hedge.TotalMilliseconds);
            EventMetrics metrics;
            using (var client = AvailabilityClientProcess.Start(config, home.Path))
            {
                Thread.Sleep(500);
                var window = CommandEvent("optimize", home, name, $"Optimize-HaCluster -Cluster {name} -Confirm:$false");
                metrics = EventMetrics.Of(window, client.Stop(options.WriteDeadline + TimeSpan.FromSeconds(30)));
                steps.Add([new ProgressMark(0, "", "(pipeline start to its first progress record)"), .. window.Steps ?? [], new ProgressMark(window.CommandMs!.Value, "", "(end)")]);
                if (metrics.FailedProbes + metrics.FailedWrites > 0)
                    Log($"  failed: {string.Join(", ", metrics.ProbeErrors.Concat(metrics.WriteErrors).Select(e => $"{e.Value} x {e.Key}"))}");
            }
            var after = DatabaseBytes(home, name);
            seconds.Add(Math.Round(metrics.CommandMs!.Value / 1000, 2));
            reclaimed.Add(Math.Round((before - after) / (double)MiB, 1));
            failedProbes.Add(metrics.FailedProbes);
            failedWrites.Add(metrics.FailedWrites);
            Log($"optimize run {i}: {seconds[^1]:0.0} s, {reclaimed[^1]:0} MiB given back ({before / (double)MiB:0} -> {after / (double)MiB:0} MiB over 3 members), probes {metrics.ProbesSent} (failed {metrics.FailedProbes}), writes {metrics.WritesAttempted} (failed {metrics.FailedWrites})");
        }
        results.Figures["optimize"] = new Figure(seconds, "s");
        results.Figures["optimizeReclaimed"] = new Figure(reclaimed, "MiB");
        results.Figures["optimizeFailedProbes"] = new Figure(failedProbes, "probes", Target.EveryRun(0));
        results.Figures["optimizeFailedWrites"] = new Figure(failedWrites, "writes", Target.EveryRun(0));
        results.Steps["optimize"] = StepBreakdown.Of(steps);
        home.Shell.Run($"Remove-HaCluster -Name {name} -Force", CommandTimeout);
    }

    /// <summary>Puts an empty value over every key <see cref="Fill"/> wrote: the 1 MiB values become history only.</summary>
    private void Overwrite(BenchHome home, string cluster)
    {
        var replica = home.Load(cluster).Replicas[0];
        using var etcd = new EtcdGateway(home.Pki(cluster).LoadEtcdCredentials()) { RequestTimeout = TimeSpan.FromSeconds(30) };
        for (var i = 0; etcd.GetAsync(replica.ClientUrl, $"/bench/fill/{i:D4}", cancel).GetAwaiter().GetResult() is { Length: > 0 }; i++)
            etcd.PutAsync(replica.ClientUrl, $"/bench/fill/{i:D4}", "", cancel).GetAwaiter().GetResult();
    }

    /// <summary>The database files of every member together, as Get-EtcdMember shows them.</summary>
    private static long DatabaseBytes(BenchHome home, string cluster) =>
        home.Shell.Run($"Get-EtcdMember {cluster}", CommandTimeout).Output.Sum(m => m.Get<long?>("DbSize") ?? 0);
}
