using HaMaster.Local.Processes;
using HaMaster.TestSupport;

namespace HaMaster.Tests;

/// <summary>
/// Safety rules 7 and 8 on real 3-replica clusters, watched from outside while a removal is held at a
/// journaled step by the drill pause (HAMASTER_DRILL_PAUSE), as a second operator would see it.
/// </summary>
public sealed class PlannedChangeTests : IDisposable
{
    private readonly PowerShellSession _ps = new();

    [Fact]
    public void Removing_the_leader_moves_leadership_and_drains_it_before_its_member_is_removed()
    {
        _ps.Run("New-HaCluster -Name lead | Add-MasterReplica -Count 2", throwOnError: true);
        var leader = LeaderReplica("lead");

        using var removal = HeldRemoval("lead", leader, "member-remove");
        Eventually.Holds("the removal to reach its member-remove step", () => ClusterStateFile.PendingStep(_ps.Home, "lead") == "member-remove", TimeSpan.FromSeconds(60));

        var members = _ps.Get<EtcdMember>("Get-EtcdMember lead");
        Assert.Equal(3, members.Count);
        Assert.True(members.Single(m => m.Name == leader).Healthy, "the replica is still a healthy member while held");
        Assert.NotEqual(leader, Assert.Single(members, m => m.IsLeader).Name);
        var backend = Backends("lead").Single(b => b.Replica == leader);
        Assert.Equal("Maintenance", backend.State);

        removal.Release();
        Assert.Equal(0, removal.Runner.WaitForExit(TimeSpan.FromMinutes(2)));
        Assert.Contains($"etcd leadership moved from {leader} to", removal.Runner.Output);
        var remaining = _ps.Get<MasterReplica>("Get-MasterReplica lead");
        Assert.Equal(2, remaining.Count);
        Assert.All(remaining, r => Assert.True(r.Healthy, string.Join("; ", r.Problems)));
    }

    [Fact]
    public void Safety_is_checked_again_right_before_the_member_is_removed()
    {
        _ps.Run("New-HaCluster -Name late | Add-MasterReplica -Count 2", throwOnError: true);
        var replicas = _ps.Get<MasterReplica>("Get-MasterReplica late");
        var removed = replicas[1].Name;
        var crashing = replicas[2].Name;

        using var removal = HeldRemoval("late", removed, "recheck");
        Eventually.Holds("the removal to reach its re-check", () => ClusterStateFile.PendingStep(_ps.Home, "late") == "recheck", TimeSpan.FromSeconds(60));
        // While the removal is held past its first health gate, another replica crashes.
        foreach (var pid in DetachedProcess.FindByMarker(Path.Combine(_ps.Home, "clusters", "late", "replicas", crashing)))
            DetachedProcess.Signal(pid, 9);
        removal.Release();

        Assert.NotEqual(0, removal.Runner.WaitForExit(TimeSpan.FromMinutes(2)));
        Assert.Contains($"removing '{removed}' would leave 1 healthy of 2 voters, below the quorum of 2", removal.Runner.Output);
        Assert.Contains($"Repair-MasterReplica -Cluster late -Name {crashing}", removal.Runner.Output);
        Assert.Contains("putting it back", removal.Runner.Output);
        Assert.Null(ClusterStateFile.PendingStep(_ps.Home, "late"));
        var members = _ps.Get<EtcdMember>("Get-EtcdMember late");
        Assert.Equal(3, members.Count);
        Assert.True(members.Single(m => m.Name == removed).Healthy);
        var after = _ps.Get<MasterReplica>("Get-MasterReplica late");
        Assert.True(after.Single(r => r.Name == removed).Healthy, "the replica whose removal was refused serves again");
        Assert.Equal("Up", Backends("late").Single(b => b.Replica == removed).State);
        Assert.False(after.Single(r => r.Name == crashing).Healthy);
    }

    [Fact]
    public void A_graceful_stop_drains_the_replica_moves_leadership_and_stops_its_processes_cleanly()
    {
        _ps.Run("New-HaCluster -Name calm | Add-MasterReplica -Count 2", throwOnError: true);
        var leader = LeaderReplica("calm");

        var result = _ps.Run($"Stop-MasterReplica -Cluster calm -Name {leader} -Graceful -PassThru -Verbose", throwOnError: true);

        Assert.Contains(result.Verbose, v => v.StartsWith($"etcd leadership moved from {leader} to", StringComparison.Ordinal));
        Assert.Equal("Stopped", Assert.Single(result.Output.OfType<MasterReplica>()).Status);
        var members = _ps.Get<EtcdMember>("Get-EtcdMember calm");
        Assert.Equal(3, members.Count);
        Assert.True(members.Any(m => m.IsLeader && m.Name != leader), string.Join("; ", members.Select(m => $"{m.Name} leader={m.IsLeader} healthy={m.Healthy} {m.Problem}")));
        Assert.NotEqual("Up", Backends("calm").Single(b => b.Replica == leader).State);
        var folder = Path.Combine(_ps.Home, "clusters", "calm", "replicas", leader);
        Assert.Contains("stopped (SIGTERM)", File.ReadAllText(Path.Combine(folder, "endpoint.log")));
        Assert.Contains("received signal; shutting down", File.ReadAllText(Path.Combine(folder, "etcd.log")));

        var started = _ps.Get<MasterReplica>($"Start-MasterReplica -Cluster calm -Name {leader} -PassThru");
        Assert.True(Assert.Single(started).Healthy, string.Join("; ", started[0].Problems));
    }

    private string LeaderReplica(string cluster) => _ps.Get<EtcdMember>($"Get-EtcdMember {cluster}").Single(m => m.IsLeader).Name;

    private IReadOnlyList<LoadBalancerBackend> Backends(string cluster) =>
        _ps.Get<HaCluster>($"Get-HaCluster {cluster}").Single().LoadBalancer!.Backends;

    private HeldOperation HeldRemoval(string cluster, string replica, string step) =>
        new(_ps.Home, $"Remove-MasterReplica -Cluster {cluster} -Name {replica} -Confirm:$false -Verbose", step);

    public void Dispose() => _ps.Dispose();

    /// <summary>A command in another process, held before a step until released.</summary>
    private sealed class HeldOperation : IDisposable
    {
        private readonly string _releaseFile;

        public HeldOperation(string home, string script, string step)
        {
            _releaseFile = Path.Combine(home, $"release-{Guid.NewGuid():N}");
            Runner = new RunnerProcess(home, script, new Dictionary<string, string>
            {
                ["HAMASTER_DRILL_PAUSE"] = $"{step}:600",
                ["HAMASTER_DRILL_RELEASE"] = _releaseFile,
            });
        }

        public RunnerProcess Runner { get; }

        public void Release() => File.WriteAllText(_releaseFile, "");

        public void Dispose() => Runner.Dispose();
    }
}
