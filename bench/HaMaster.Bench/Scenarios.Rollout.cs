namespace HaMaster.Bench;

public sealed partial class Scenarios
{
    /// <summary>
    /// (l) Rolling updates. <c>Update-HaCluster -Rollout</c> on a three-replica cluster under the
    /// availability client: its wall time and the probes and writes that failed meanwhile. The client
    /// writes to the new replicas' etcd members as they come: it follows etcd's member list.
    /// </summary>
    public void Rollout()
    {
        using var home = Track(new BenchHome("rollout", cancel));
        const string name = "ru";
        home.Shell.Run($"New-HaCluster -Name {name} | Add-MasterReplica -Count 2", CommandTimeout);
        MeasureUnderClient(home, name, "rollout", $"Update-HaCluster -Cluster {name} -Rollout -Confirm:$false", Target.Median(15));
        home.Shell.Run($"Remove-HaCluster -Name {name} -Force", CommandTimeout);
    }
}
