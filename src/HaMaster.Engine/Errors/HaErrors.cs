namespace HaMaster.Engine.Errors;

/// <summary>Errors raised from more than one place.</summary>
public static class HaErrors
{
    public static HaException ClusterExists(string cluster) => new(
        ErrorIds.ClusterExists,
        $"A cluster named '{cluster}' already exists.",
        $"Choose another name, or remove the existing cluster with Remove-HaCluster -Name {cluster}.", cluster);

    public static HaException ClusterIncomplete(string cluster, string step) => new(
        ErrorIds.ClusterIncomplete,
        $"Cluster '{cluster}' is not created yet: its New-HaCluster is still running, or was cut short in its '{step}' step.",
        $"If no New-HaCluster is running, run New-HaCluster -Name {cluster} again (it takes back what the interrupted one made, then creates the cluster) or Remove-HaCluster -Name {cluster}.", cluster);

    public static HaException ReplicaNotFound(string cluster, string replica) => new(
        ErrorIds.ReplicaNotFound,
        $"Cluster '{cluster}' has no replica named '{replica}'.",
        $"Run Get-MasterReplica -Cluster {cluster} to list its replicas.", replica);
}
