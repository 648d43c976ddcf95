using HaMaster.Engine.Health;

namespace HaMaster.Engine.Safety;

/// <summary>What the safety rules need to know about a cluster, and nothing else (so the rules are pure and testable).</summary>
public sealed record MembershipView(string Cluster, IReadOnlyList<MemberHealth> Replicas, int PendingLearners, bool QuorumReadSucceeded)
{
    public int Voters => Replicas.Count(r => r.Voter);
    public int HealthyVoters => Replicas.Count(r => r.Voter && r.Healthy);

    public static MembershipView From(ClusterHealth health) => new(
        health.State.Name,
        health.Replicas.Select(r => new MemberHealth(r.Replica.Name, r.Healthy, r.IsVoter, r.Problems.FirstOrDefault(), r.Status == Model.ReplicaStatus.Missing)).ToList(),
        health.Members?.Count(m => m.IsLearner || !m.IsStarted) ?? 0,
        health.QuorumReadSucceeded);
}

/// <param name="DataLost">The replica's data is gone: started again, it could not rejoin.</param>
public sealed record MemberHealth(string Replica, bool Healthy, bool Voter, string? Problem, bool DataLost = false);
