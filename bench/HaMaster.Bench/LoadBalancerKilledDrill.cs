using System.Management.Automation;

namespace HaMaster.Bench;

/// <summary>
/// SIGKILL of the cluster's HAProxy (every process of its folder): Get-HaCluster shows the cluster
/// Degraded with the load balancer Stopped, and names the command that starts it again.
/// </summary>
public sealed class LoadBalancerKilledDrill : FaultDrill
{
    public override string Key => "loadBalancerKilled";
    public override string Label => "HAProxy killed (SIGKILL)";
    public override string Command => "Get-MasterReplica | Start-MasterReplica";
    public override bool ChangesMembership => false;

    public override string? ChooseVictim(IReadOnlyList<PSObject> replicas) => null;

    public override long Inject(DrillTarget target)
    {
        var killed = System.Diagnostics.Stopwatch.GetTimestamp();
        target.Home.Kill("the load balancer", Path.Combine(target.Home.State.ClusterDirectory(target.Cluster), "lb"));
        return killed;
    }

    public override string? Shown(DrillTarget target)
    {
        var cluster = target.Home.Shell.Run($"Get-HaCluster -Name {target.Cluster}", TimeSpan.FromSeconds(60)).Output.Single();
        var problem = (cluster.Get<string[]>("Problems") ?? []).FirstOrDefault(p => p.StartsWith("load balancer", StringComparison.Ordinal) && p.Contains("Stopped", StringComparison.Ordinal));
        return cluster.Get<string>("Status") == "Degraded" && problem is not null ? $"Status Degraded: {problem}" : null;
    }
}
