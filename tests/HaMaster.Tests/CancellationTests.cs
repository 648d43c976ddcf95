using System.Management.Automation;
using HaMaster.Local.Processes;

namespace HaMaster.Tests;

/// <summary>
/// Ctrl+C (StopProcessing) during Add-MasterReplica, at several points: the pipeline stops promptly
/// (every wait is cancelled), nothing is orphaned, and the next command leaves a healthy cluster.
/// </summary>
public sealed class CancellationTests : IDisposable
{
    private static readonly TimeSpan StopDeadline = TimeSpan.FromSeconds(30);
    private readonly PowerShellSession _ps = new();

    [Theory]
    [InlineData("Waiting for another HaMaster command")]
    [InlineData("Add its etcd member as a learner")]
    [InlineData("Start its etcd member and API endpoint")]
    [InlineData("Promote the learner once it has caught up")]
    [InlineData("Wait until it is a healthy voter and its API is ready")]
    [InlineData("Put it behind the cluster address")]
    public void Stopping_an_add_leaves_the_cluster_consistent(string stopAt)
    {
        const string cluster = "halt";
        _ps.Run($"New-HaCluster -Name {cluster}", throwOnError: true);
        using var heldLock = stopAt.StartsWith("Waiting", StringComparison.Ordinal)
            ? new FileStream(Path.Combine(_ps.Home, "clusters", cluster, "cluster.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None)
            : null;

        using (var shell = PowerShell.Create())
        {
            shell.Runspace = _ps.Runspace;
            shell.AddScript($"Add-MasterReplica -Cluster {cluster} -Verbose");
            using var reached = new ManualResetEventSlim();
            shell.Streams.Progress.DataAdded += (_, e) =>
            {
                if (shell.Streams.Progress[e.Index].StatusDescription == stopAt) reached.Set();
            };
            shell.Streams.Verbose.DataAdded += (_, e) =>
            {
                if (shell.Streams.Verbose[e.Index].Message.StartsWith(stopAt, StringComparison.Ordinal)) reached.Set();
            };
            var running = shell.BeginInvoke();
            Assert.True(reached.Wait(TimeSpan.FromSeconds(90)), $"the add never reached '{stopAt}'");

            var stopper = new Thread(shell.Stop) { IsBackground = true };
            stopper.Start();
            Assert.True(stopper.Join(StopDeadline), $"the pipeline did not stop within {StopDeadline.TotalSeconds} s of Ctrl+C at '{stopAt}'");
            Assert.Equal(PSInvocationState.Stopped, shell.InvocationStateInfo.State);
            Assert.True(running.IsCompleted);
        }
        heldLock?.Dispose();

        // No etcd member without a replica, no process of a replica the state does not know.
        var replicas = _ps.Get<MasterReplica>($"Get-MasterReplica {cluster}");
        var members = _ps.Get<EtcdMember>($"Get-EtcdMember {cluster}");
        Assert.All(members, m => Assert.Contains(replicas, r => r.Name == m.Name));
        var replicasFolder = Path.Combine(_ps.Home, "clusters", cluster, "replicas");
        foreach (var folder in Directory.GetDirectories(replicasFolder))
            Assert.Contains(replicas, r => r.Name == Path.GetFileName(folder));
        var known = replicas.SelectMany(r => DetachedProcess.FindByMarker(Path.Combine(replicasFolder, r.Name))).ToHashSet();
        Assert.Subset(known, DetachedProcess.FindByMarker(replicasFolder).ToHashSet());

        // The next command finishes or rolls back what was left, then does its own work.
        _ps.Run($"Add-MasterReplica -Cluster {cluster}", throwOnError: true);
        var after = _ps.Get<MasterReplica>($"Get-MasterReplica {cluster}");
        Assert.InRange(after.Count, 2, 3);
        Assert.All(after, r => Assert.True(r.Healthy, $"{r.Name}: {string.Join("; ", r.Problems)}"));
        var voters = _ps.Get<EtcdMember>($"Get-EtcdMember {cluster}");
        Assert.Equal(after.Select(r => r.Name).Order(), voters.Select(m => m.Name).Order());
        Assert.All(voters, m => Assert.False(m.IsLearner));
        Assert.Equal(after.Count, _ps.Get<HaCluster>($"Get-HaCluster {cluster}").Single().LoadBalancer!.Backends.Count(b => b.Healthy));
    }

    public void Dispose() => _ps.Dispose();
}
