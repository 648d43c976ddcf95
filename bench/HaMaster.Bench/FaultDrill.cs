using System.Management.Automation;

namespace HaMaster.Bench;

/// <summary>
/// One fault drill of the drills scenario (the same faults as tests/HaMaster.Tests/FaultDrillTests.cs),
/// on a healthy 3-replica cluster: how the fault is caused, what Get-MasterReplica or Get-HaCluster
/// shows for it, and the documented command that restores service.
/// </summary>
public abstract class FaultDrill
{
    /// <summary>Its key in latest.json's "drills" section.</summary>
    public abstract string Key { get; }

    /// <summary>The fault, in words (the table's first column).</summary>
    public abstract string Label { get; }

    /// <summary>The documented command, as the user types it (the cluster is the only one in the scenario's state folder).</summary>
    public abstract string Command { get; }

    /// <summary>Whether <see cref="Command"/> changes etcd's membership (the next run then waits for etcd to settle).</summary>
    public virtual bool ChangesMembership => true;

    /// <summary>The replica the fault hits, chosen from Get-MasterReplica's output; null when it hits none.</summary>
    public abstract string? ChooseVictim(IReadOnlyList<PSObject> replicas);

    /// <summary>Preparation that is not part of the fault (not timed); the cluster must be healthy again when it returns.</summary>
    public virtual void Arrange(DrillTarget target)
    {
    }

    /// <summary>Causes the fault; returns when it took effect (a Stopwatch timestamp).</summary>
    public abstract long Inject(DrillTarget target);

    /// <summary>One look, as the user would take it: what shows the fault, or null while nothing does.</summary>
    public abstract string? Shown(DrillTarget target);

    /// <summary>What the operator does between seeing the fault and the command (freeing the disk); nothing by default.</summary>
    public virtual void BeforeCommand(DrillTarget target)
    {
    }

    /// <summary>Undoes what the drill set up outside HaMaster's state (a mount), after every run, failed or not.</summary>
    public virtual void CleanUp(DrillTarget target)
    {
    }
}

/// <summary>Where a drill's run happens: the scenario's state folder and shell, the cluster, the replica hit.</summary>
public sealed record DrillTarget(BenchHome Home, string Cluster, string? Victim)
{
    public string VictimName => Victim ?? throw new InvalidOperationException("This drill hits no replica.");

    /// <summary>The victim as Get-MasterReplica (all replicas, as typed) shows it: its problems when Unhealthy, else null.</summary>
    public string? VictimProblems(string? mustContain = null)
    {
        var victim = Home.Replicas(Cluster).SingleOrDefault(r => r.Get<string>("Name") == VictimName);
        if (victim is null || victim.Get<bool>("Healthy")) return null;
        var problems = string.Join("; ", victim.Get<string[]>("Problems") ?? []);
        return mustContain is null || problems.Contains(mustContain, StringComparison.Ordinal) ? $"{VictimName}: {problems}" : null;
    }
}
