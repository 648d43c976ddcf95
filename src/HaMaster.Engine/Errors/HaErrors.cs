namespace HaMaster.Engine.Errors;

/// <summary>Errors raised from more than one place.</summary>
public static class HaErrors
{
    public static HaException ReplicaNotFound(string cluster, string replica) => new(
        ErrorIds.ReplicaNotFound,
        $"Cluster '{cluster}' has no replica named '{replica}'.",
        $"Run Get-MasterReplica -Cluster {cluster} to list its replicas.", replica);
}
