using HaMaster.Engine.Etcd;
using HaMaster.Engine.Model;
using HaMaster.Engine.Pki;

namespace HaMaster.Engine.Health;

/// <summary>A snapshot of a whole cluster's health, taken in one pass.</summary>
/// <param name="Certificates">The certificates in the state folder, for the expiry check (none when not read).</param>
public sealed record ClusterHealth(
    ClusterState State,
    IReadOnlyList<ReplicaHealth> Replicas,
    IReadOnlyList<EtcdMemberInfo>? Members,
    ulong? LeaderId,
    bool QuorumReadSucceeded,
    LoadBalancer? LoadBalancer,
    IReadOnlyList<HaCertificate>? Certificates = null)
{
    /// <summary>etcd's alarms (NOSPACE, CORRUPT), one list for the whole cluster.</summary>
    public IReadOnlyList<EtcdAlarm> Alarms { get; init; } = [];

    /// <summary>The replica whose etcd member has <paramref name="memberId"/>, by name, else the id as etcd shows it.</summary>
    public string MemberName(ulong memberId) => Replicas.FirstOrDefault(r => r.MemberId == memberId)?.Replica.Name ?? memberId.ToString("x16");

    public int Voters => Members?.Count(m => !m.IsLearner) ?? State.ActiveReplicas.Count();

    public int HealthyVoters => Replicas.Count(r => r.Healthy && r.IsVoter);

    public ReplicaHealth? Find(string replica) =>
        Replicas.FirstOrDefault(r => string.Equals(r.Replica.Name, replica, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// Enough voters run for a quorum, yet etcd has no leader or no quorum read succeeded: most likely
    /// an election under way (a second or so after the leader's replica stopped), worth looking at again.
    /// </summary>
    public bool MaySettle => (LeaderId is null || !QuorumReadSucceeded)
        && Replicas.Count(r => r.IsVoter && r.Status == ReplicaStatus.Running) >= Quorum.Of(Voters);

    public ReplicaHealth? Leader => LeaderId is { } id ? Replicas.FirstOrDefault(r => r.MemberId == id) : null;

    public ClusterStatus Status
    {
        get
        {
            if (Replicas.All(r => r.Status is ReplicaStatus.Stopped or ReplicaStatus.Missing)) return ClusterStatus.Stopped;
            if (!QuorumReadSucceeded || HealthyVoters < Quorum.Of(Voters)) return ClusterStatus.NoQuorum;
            return Problems.Count == 0 ? ClusterStatus.Healthy : ClusterStatus.Degraded;
        }
    }

    public IReadOnlyList<string> Problems
    {
        get
        {
            var problems = new List<string>();
            foreach (var replica in Replicas.Where(r => !r.Healthy))
                problems.Add($"{replica.Replica.Name}: {string.Join("; ", replica.Problems)}");
            if (LeaderId is null && Replicas.Any(r => r.EtcdStatus is not null))
                problems.Add("etcd has no leader: an election is under way, or too few members run for a quorum");
            if (!QuorumReadSucceeded) problems.Add("etcd: a quorum read failed");
            if (Members is not null)
                foreach (var orphan in Members.Where(m => State.Replicas.All(r => r.PeerUrl != m.PeerUrls.FirstOrDefault())))
                    problems.Add($"etcd member {orphan.IdHex} ({orphan.PeerUrls.FirstOrDefault()}) belongs to no replica");
            if (LoadBalancer is { } lb)
            {
                if (lb.Status != "Running")
                    problems.Add($"load balancer {lb.Name} is {lb.Status} (start it again with: Get-MasterReplica -Cluster {State.Name} | Start-MasterReplica)");
                foreach (var backend in lb.Backends.Where(b => !b.Healthy && Find(b.Replica)?.Healthy == true))
                    problems.Add($"load balancer backend {backend.Replica} is {backend.State}");
            }
            var noSpace = Alarms.Where(a => a.Type == EtcdAlarm.NoSpace).Select(a => MemberName(a.MemberId)).ToList();
            if (noSpace.Count > 0)
                problems.Add($"etcd alarm NOSPACE on {string.Join(", ", noSpace)}: {AlarmAdvice.NoSpace(State)}");
            foreach (var alarm in Alarms.Where(a => a.Type != EtcdAlarm.NoSpace && Replicas.All(r => r.MemberId != a.MemberId)))
                problems.Add($"etcd alarm {alarm.Type} on member {alarm.MemberId:x16}, which belongs to no replica");
            if (Certificates is not null && CertificateInventory.ExpiryProblem(State.Name, Certificates) is { } expiry)
                problems.Add(expiry);
            if (State.Pending is { } pending)
                problems.Add($"an interrupted {pending.Kind}{(pending.Replica is null ? "" : $" of {pending.Replica}")} is pending; the next change to this cluster finishes or rolls it back");
            return problems;
        }
    }
}
