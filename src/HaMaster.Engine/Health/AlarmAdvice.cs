using HaMaster.Engine.Etcd;
using HaMaster.Engine.Model;

namespace HaMaster.Engine.Health;

/// <summary>
/// What etcd's alarms mean and what clears them, in the same words on the replica, the member and
/// the cluster (docs/design.md §10.5).
/// </summary>
public static class AlarmAdvice
{
    public static string Corrupt(string cluster, string replica) =>
        $"etcd alarm CORRUPT: its data differs from the other members'; replace it with Repair-MasterReplica -Cluster {cluster} -Name {replica}";

    public static string NoSpace(ClusterState state) =>
        $"the database reached its quota of {EtcdQuota.Describe(state.EtcdQuotaBytes)} and the cluster takes no writes; delete what is not needed, then run Optimize-HaCluster -Cluster {state.Name}";
}
