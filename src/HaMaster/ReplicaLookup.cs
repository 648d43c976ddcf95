using HaMaster.Engine.Errors;

namespace HaMaster;

internal static class ReplicaLookup
{
    public static HaException NotFound(string cluster, string replica) => HaErrors.ReplicaNotFound(cluster, replica);

    public static MasterReplica Get(HaCmdlet cmdlet, string cluster, string replica) =>
        cmdlet.Run((engine, token) => engine.GetReplicasAsync(cluster, token))
            .FirstOrDefault(r => string.Equals(r.Name, replica, StringComparison.OrdinalIgnoreCase))
        ?? throw NotFound(cluster, replica);
}
