using System.Management.Automation;

namespace HaMaster.Bench;

/// <summary>
/// SIGKILL of the etcd leader's etcd process (its API endpoint keeps running) while the availability
/// client writes every interval: Get-MasterReplica shows that replica Unhealthy; the repair pipeline
/// replaces it.
/// </summary>
public sealed class EtcdLeaderKilledDrill(TimeSpan writeInterval) : FaultDrill
{
    public override string Key => "etcdLeaderKilled";
    public override string Label => $"etcd leader SIGKILLed under a write every {writeInterval.TotalMilliseconds:0} ms";
    public override string Command => Scenarios.RepairPipeline;

    public override string? ChooseVictim(IReadOnlyList<PSObject> replicas) =>
        replicas.Single(r => r.Get<string>("EtcdRole") == "Leader").Get<string>("Name");

    public override long Inject(DrillTarget target)
    {
        var killed = System.Diagnostics.Stopwatch.GetTimestamp();
        target.Home.Kill($"the etcd leader ({target.VictimName})", target.Home.Layout(target.Cluster, target.VictimName).EtcdMarker);
        return killed;
    }

    public override string? Shown(DrillTarget target) => target.VictimProblems();
}
