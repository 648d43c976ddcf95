using HaMaster.Engine.Etcd;
using HaMaster.Engine.Health;
using HaMaster.Engine.Model;
using HaMaster.Engine.Pki;

namespace HaMaster.Engine.Views;

/// <summary>Turns health snapshots into the objects users see.</summary>
public static class ViewMapper
{
    public static HaCluster ToCluster(ClusterHealth health)
    {
        var state = health.State;
        return new HaCluster
        {
            Name = state.Name,
            Provider = state.Provider.ToString(),
            Project = state.Project,
            Region = state.Region,
            Zone = state.Zone,
            Address = state.Address,
            Endpoint = state.Endpoint,
            ReplicaCount = state.Replicas.Count,
            HealthyReplicaCount = health.Replicas.Count(r => r.Healthy),
            FaultTolerance = Math.Max(0, health.HealthyVoters - Quorum.Of(health.Voters)),
            LoadBalancer = health.LoadBalancer,
            MultiZone = state.MultiZone,
            EtcdQuorumReads = state.EtcdQuorumReads,
            EtcdQuotaBytes = state.EtcdQuotaBytes,
            Status = health.Status.ToString(),
            Problems = health.Problems,
            CreatedAt = state.CreatedAt,
            CertificatesExpireAt = health.Certificates is { } certificates ? CertificateInventory.FirstLeafExpiry(certificates) : null,
        };
    }

    public static MasterReplica ToReplica(ClusterState state, ReplicaHealth health) => new()
    {
        Cluster = state.Name,
        Name = health.Replica.Name,
        Zone = health.Replica.Zone,
        Provider = state.Provider.ToString(),
        Status = health.Status.ToString(),
        Healthy = health.Healthy,
        Problems = health.Problems,
        InternalAddress = health.Replica.InternalAddress,
        ExternalAddress = health.Replica.ExternalAddress,
        EtcdMemberId = health.MemberId?.ToString("x16"),
        EtcdRole = health.EtcdRole.ToString(),
        ApiHealthy = health.ApiHealthy,
        CreatedAt = health.Replica.CreatedAt,
    };

    public static IReadOnlyList<MasterReplica> ToReplicas(ClusterHealth health) =>
        health.Replicas.Select(r => ToReplica(health.State, r)).ToList();

    public static IReadOnlyList<EtcdMember> ToEtcdMembers(ClusterHealth health)
    {
        if (health.Members is null)
            return health.Replicas.Select(r => new EtcdMember
            {
                Cluster = health.State.Name,
                Id = r.MemberId?.ToString("x16") ?? "",
                Name = r.Replica.Name,
                PeerUrls = [r.Replica.PeerUrl],
                ClientUrls = [r.Replica.ClientUrl],
                Healthy = false,
                Problem = "etcd's member list is unavailable (no voter answers)",
            }).ToList();

        return health.Members.Select(m =>
        {
            var replica = health.Replicas.FirstOrDefault(r => m.PeerUrls.Contains(r.Replica.PeerUrl));
            var status = replica?.EtcdStatus;
            var alarms = health.Alarms.Where(a => a.MemberId == m.Id).Select(a => a.Type).ToList();
            string? problem = !m.IsStarted ? "added but never started"
                : status is null ? "does not answer"
                : m.IsLearner ? "learner, not yet promoted"
                : replica is null ? "belongs to no replica"
                : alarms.Count > 0 ? AlarmProblem(health.State, alarms, replica.Replica.Name)
                : null;
            return new EtcdMember
            {
                Cluster = health.State.Name,
                Id = m.IdHex,
                Name = m.Name,
                PeerUrls = m.PeerUrls,
                ClientUrls = m.ClientUrls,
                IsLearner = m.IsLearner,
                IsLeader = health.LeaderId == m.Id,
                RaftIndex = status?.RaftIndex,
                DbSize = status?.DbSize,
                DbSizeInUse = status?.DbSizeInUse,
                Fragmentation = status is { DbSize: > 0 } ? Math.Round((double)(status.DbSize - status.DbSizeInUse) / status.DbSize, 3) : null,
                Alarms = alarms,
                Healthy = problem is null,
                Problem = problem,
            };
        }).ToList();
    }

    private static string AlarmProblem(ClusterState state, IReadOnlyList<string> alarms, string replica) =>
        alarms.Contains(EtcdAlarm.Corrupt) ? AlarmAdvice.Corrupt(state.Name, replica) : $"etcd alarm {string.Join(", ", alarms)}: {AlarmAdvice.NoSpace(state)}";
}
