using System.Management.Automation;

namespace HaMaster.Bench;

/// <summary>
/// A follower's etcd data directory deleted while its etcd runs: Get-MasterReplica shows that replica
/// Unhealthy because its data directory was deleted; the repair pipeline replaces it.
/// </summary>
public sealed class DataDirectoryDeletedDrill : FaultDrill
{
    public override string Key => "dataDirectoryDeleted";
    public override string Label => "a follower's data directory deleted";
    public override string Command => Scenarios.RepairPipeline;

    public override string? ChooseVictim(IReadOnlyList<PSObject> replicas) =>
        replicas.First(r => r.Get<string>("EtcdRole") == "Follower").Get<string>("Name");

    public override long Inject(DrillTarget target)
    {
        var deleted = System.Diagnostics.Stopwatch.GetTimestamp();
        Directory.Delete(target.Home.Layout(target.Cluster, target.VictimName).EtcdData, recursive: true);
        return deleted;
    }

    public override string? Shown(DrillTarget target) => target.VictimProblems(mustContain: "data directory was deleted");
}
