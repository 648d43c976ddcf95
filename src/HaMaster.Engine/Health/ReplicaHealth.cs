using HaMaster.Engine.Etcd;
using HaMaster.Engine.Model;

namespace HaMaster.Engine.Health;

/// <summary>The live health of one replica: its machinery, its etcd member and its API endpoint.</summary>
public sealed record ReplicaHealth(
    ReplicaRecord Replica,
    ReplicaStatus Status,
    EtcdRole EtcdRole,
    ulong? MemberId,
    EtcdEndpointStatus? EtcdStatus,
    bool ApiHealthy,
    bool IsVoter,
    IReadOnlyList<string> Problems)
{
    public bool Healthy => Problems.Count == 0;
}
