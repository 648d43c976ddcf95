using System.Diagnostics;
using System.Globalization;

namespace HaMaster.Bench;

public sealed partial class Scenarios
{
    private static readonly TimeSpan ReportTimeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The fault drills (the faults of tests/HaMaster.Tests/FaultDrillTests.cs), each on a 3-replica
    /// cluster of its own with the availability client probing and writing: per run, how long until
    /// Get-MasterReplica or Get-HaCluster shows the fault, how long from the documented command's start
    /// until the cluster is Healthy again, what the client saw from the fault until then, and the
    /// acknowledged writes a read-back did not find. Commands come right after the fault shows (as
    /// quick an operator as can be); a run starts at least 6 s after the previous membership change.
    /// </summary>
    public void Drills()
    {
        using var home = Track(new BenchHome("drills", cancel));
        FaultDrill[] drills = [new EtcdLeaderKilledDrill(options.Interval), new LoadBalancerKilledDrill(), new DataDirectoryDeletedDrill(), new FullDiskDrill()];
        foreach (var drill in drills)
        {
            cancel.ThrowIfCancellationRequested();
            results.Drills.Add(RunDrill(home, drill));
        }
    }

    private DrillResult RunDrill(BenchHome home, FaultDrill drill)
    {
        const string cluster = "dr";
        home.Shell.Run($"New-HaCluster -Name {cluster} | Add-MasterReplica -Count 2", CommandTimeout);
        var lastChange = Stopwatch.GetTimestamp();
        var runs = new List<DrillRun>();
        for (var i = 0; i < options.Runs; i++)
        {
            cancel.ThrowIfCancellationRequested();
            var replicas = home.WaitHealthy(cluster, 3, HealthyTimeout);
            var sinceChange = Stopwatch.GetElapsedTime(lastChange);
            if (sinceChange < MembershipSettle)
            {
                // etcd refuses a member add until its leader has been connected to every voter for 5 s (see Repair).
                Thread.Sleep(MembershipSettle - sinceChange);
                replicas = home.WaitHealthy(cluster, 3, HealthyTimeout);
            }
            var target = new DrillTarget(home, cluster, drill.ChooseVictim(replicas));
            try
            {
                var run = RunOnce(home, drill, target, $"/hamaster-bench/drills/{drill.Key}/{i}/");
                runs.Add(run);
                Log($"{drill.Key} run {i}: {(run.Passed ? "pass" : "FAIL")}, reported after {run.ReportedMs:0} ms, healthy {run.HealthyAgainMs:0} ms after the command's start (command {run.CommandMs:0} ms)"
                    + $", failed probes {run.Client!.FailedProbes}, longest gap {run.Client.LongestGapMs:0} ms, failed writes {run.Client.FailedWrites}, lost {run.WritesLost} of {run.WritesAcknowledged}"
                    + (drill is FullDiskDrill full ? $", {full.FilledBytes / 1024} KiB written to fill the disk" : ""));
            }
            catch (BenchException e)
            {
                runs.Add(DrillRun.Failed(Redact.Text(e.Message, home.Path)));
                results.Failures.TryAdd("drills", []);
                results.Failures["drills"].Add($"{drill.Key} run {i}: {Redact.Text(e.Message, home.Path)}");
                Log($"{drill.Key} run {i} FAILED: {e.Message}");
                // A fresh cluster for the next run (the mount goes first, or the cluster's folder could not be deleted).
                drill.CleanUp(target);
                home.Shell.Run($"Remove-HaCluster -Name {cluster} -Force", CommandTimeout);
                home.Shell.Run($"New-HaCluster -Name {cluster} | Add-MasterReplica -Count 2", CommandTimeout);
                lastChange = Stopwatch.GetTimestamp();
                continue;
            }
            finally
            {
                drill.CleanUp(target);
            }
            if (drill.ChangesMembership) lastChange = Stopwatch.GetTimestamp();
        }
        home.Shell.Run($"Remove-HaCluster -Name {cluster} -Force", CommandTimeout);
        return new DrillResult(drill.Key, drill.Label, drill.Command, runs);
    }

    private DrillRun RunOnce(BenchHome home, FaultDrill drill, DrillTarget target, string keyPrefix)
    {
        drill.Arrange(target);
        WaitClusterHealthy(home, target.Cluster, 3);
        var state = home.Load(target.Cluster);
        var config = new ClientConfig(state.Address, home.State.PkiDirectory(target.Cluster), state.Replicas.Select(r => r.ClientUrl).ToList(),
            keyPrefix, Path.Combine(home.Path, $"client-{drill.Key}.json"),
            options.Interval.TotalMilliseconds, options.ProbeDeadline.TotalMilliseconds, options.WriteDeadline.TotalMilliseconds, options.Hedge.TotalMilliseconds);
        using var client = AvailabilityClientProcess.Start(config, home.Path);

        var windowStart = Stopwatch.GetTimestamp();
        var faultAt = drill.Inject(target);
        string? shown;
        while ((shown = drill.Shown(target)) is null)
            if (Stopwatch.GetElapsedTime(faultAt) > ReportTimeout)
                throw new BenchException($"Neither Get-MasterReplica nor Get-HaCluster showed the fault within {ReportTimeout.TotalSeconds:0} s.");
        var reportedAt = Stopwatch.GetTimestamp();

        drill.BeforeCommand(target);
        var invocation = home.Shell.Run(drill.Command, CommandTimeout, allowErrors: true);
        Note($"drill {drill.Key}", invocation);
        var healthyAt = UntilClusterHealthy(home, target.Cluster, 3, invocation);

        var log = client.Stop(options.WriteDeadline + TimeSpan.FromSeconds(30));
        var window = new EventWindow(drill.Key, windowStart, healthyAt, invocation.Elapsed.TotalMilliseconds);
        var written = log.Writes.Where(w => w.Acknowledged).Select(w => (keyPrefix + AvailabilityClient.Key(w.Index), w.Index.ToString(CultureInfo.InvariantCulture))).ToList();
        var lost = ReadBack(home, target.Cluster, written);
        return new DrillRun(null,
            EventMetrics.Ms(reportedAt - faultAt), invocation.Elapsed.TotalMilliseconds,
            EventMetrics.Ms(healthyAt - invocation.StartedTimestamp), EventMetrics.Ms(healthyAt - faultAt),
            EventMetrics.Of(window, log), lost.Count, written.Count, Redact.Text(shown, home.Path), StepBreakdown.Timeline(invocation));
    }

    /// <summary>
    /// When Get-HaCluster shows the cluster Healthy with <paramref name="count"/> replicas (a Stopwatch
    /// timestamp): the pipeline's end when a look right after it does, else the first look that does.
    /// </summary>
    private static long UntilClusterHealthy(BenchHome home, string cluster, int count, Invocation invocation)
    {
        if (ClusterHealthy(home, cluster, count) is null) return invocation.EndedTimestamp;
        WaitClusterHealthy(home, cluster, count);
        return Stopwatch.GetTimestamp();
    }

    private static void WaitClusterHealthy(BenchHome home, string cluster, int count)
    {
        var watch = Stopwatch.StartNew();
        while (ClusterHealthy(home, cluster, count) is { } problem)
        {
            if (watch.Elapsed > HealthyTimeout) throw new BenchException($"Cluster {cluster} was not Healthy with {count} replicas within {HealthyTimeout.TotalSeconds:0} s: {problem}");
            Thread.Sleep(100);
        }
    }

    /// <summary>Null when Get-HaCluster shows the cluster Healthy with <paramref name="count"/> replicas, else what it shows.</summary>
    private static string? ClusterHealthy(BenchHome home, string cluster, int count)
    {
        var seen = home.Shell.Run($"Get-HaCluster -Name {cluster}", TimeSpan.FromSeconds(60)).Output.Single();
        var status = seen.Get<string>("Status");
        var replicas = seen.Get<int>("ReplicaCount");
        return status == "Healthy" && replicas == count ? null
            : $"{status}, {replicas} replicas: {string.Join("; ", seen.Get<string[]>("Problems") ?? [])}";
    }
}
