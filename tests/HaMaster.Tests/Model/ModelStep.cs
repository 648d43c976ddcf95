namespace HaMaster.Tests.Model;

/// <summary>One operation of a sequence, and the cmdlet line that performs it (<paramref name="Count"/>: replicas an add adds).</summary>
public sealed record ModelStep(StepKind Kind, string? Replica = null, bool Force = false, bool Graceful = false, int Count = 1)
{
    public string Script(string cluster) => Kind switch
    {
        StepKind.Add => $"Add-MasterReplica -Cluster {cluster}{(Count > 1 ? $" -Count {Count}" : "")}",
        StepKind.Remove => $"Remove-MasterReplica -Cluster {cluster} -Name {Replica}{Switch("Force", Force)}",
        StepKind.Stop => $"Stop-MasterReplica -Cluster {cluster} -Name {Replica}{Switch("Graceful", Graceful)}{Switch("Force", Force)}",
        StepKind.Start => $"Start-MasterReplica -Cluster {cluster} -Name {Replica}",
        StepKind.Repair => $"Repair-MasterReplica -Cluster {cluster} -Name {Replica}{Switch("Force", Force)}",
        StepKind.Optimize => $"Optimize-HaCluster -Cluster {cluster}",
        StepKind.Rollout => $"Update-HaCluster -Cluster {cluster} -Rollout",
        StepKind.LoseData => $"(fault) Stop-MasterReplica -Cluster {cluster} -Name {Replica} -Force, then delete its etcd-data folder",
        StepKind.Restore => $"Restore-HaCluster -Cluster {cluster} -Confirm:$false{Switch("Force", Force)}",
        _ => throw new ArgumentOutOfRangeException(nameof(Kind), Kind, null),
    };

    private static string Switch(string name, bool on) => on ? $" -{name}" : "";
}
