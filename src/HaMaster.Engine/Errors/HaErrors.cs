namespace HaMaster.Engine.Errors;

/// <summary>Errors raised from more than one place.</summary>
public static class HaErrors
{
    public static HaException ClusterExists(string cluster) => new(
        ErrorIds.ClusterExists,
        $"A cluster named '{cluster}' already exists.",
        $"Choose another name, or remove the existing cluster with Remove-HaCluster -Name {cluster}.", cluster);

    public static HaException ReplicaNotFound(string cluster, string replica) => new(
        ErrorIds.ReplicaNotFound,
        $"Cluster '{cluster}' has no replica named '{replica}'.",
        $"Run Get-MasterReplica -Cluster {cluster} to list its replicas.", replica);
}
