using HaMaster.Engine.Errors;

namespace HaMaster.Engine.Safety;

/// <summary>
/// The rules every membership change must pass (docs/design.md §3). Each refusal says why and what to do
/// instead. <c>-Force</c> overrides only the conservative "healthy cluster" gate, and only where
/// the quorum projection still holds; quorum, the last replica and pending learners are never
/// overridden.
/// </summary>
public static class SafetyRules
{
    /// <summary>etcd recommends at most seven members.</summary>
    public const int MaxReplicas = 7;

    /// <summary>A request for several replicas that would pass the limit is refused whole, before the first is added.</summary>
    public static void CheckRoomFor(string cluster, int replicas, int adding)
    {
        if (replicas + adding > MaxReplicas)
            throw new HaException(ErrorIds.ReplicaLimitReached,
                $"Cluster '{cluster}' has {replicas} {Wording.Plural(replicas, "replica")}; adding {adding} would make {replicas + adding}, and etcd recommends at most {MaxReplicas} members, so no replica was added.",
                $"Add at most {Math.Max(0, MaxReplicas - replicas)}, and keep the cluster at 3, 5 or 7 replicas.", cluster);
    }

    public static void CheckAdd(MembershipView view, bool forRepair = false)
    {
        RequireNoPendingLearner(view);
        RequireQuorumRead(view);
        var unhealthy = view.Replicas.Where(r => !r.Healthy).ToList();
        if (unhealthy.Count > 0 && !forRepair)
            throw new HaException(ErrorIds.ClusterUnhealthy,
                $"Cannot add a replica to cluster '{view.Cluster}': {Describe(unhealthy)}. Growing an unhealthy cluster raises its quorum while a member is down; etcd's guidance is to replace the failed member first.",
                $"Replace the unhealthy replica first: Repair-MasterReplica -Cluster {view.Cluster} -Name {unhealthy[0].Replica} (or: Get-MasterReplica -Cluster {view.Cluster} | Where Unhealthy | Replace-MasterReplica).",
                view.Cluster);
        if (view.Voters + 1 > MaxReplicas)
            throw new HaException(ErrorIds.ReplicaLimitReached,
                $"Cluster '{view.Cluster}' has {view.Voters} replicas; etcd recommends at most {MaxReplicas} members, so no replica was added.",
                "Keep the cluster at 3, 5 or 7 replicas.", view.Cluster);

        // The new member is counted as unhealthy (the worst case right after promotion). From one
        // replica there is no fault tolerance to lose, so 1 → 2 is allowed (as Cluster API does).
        var votersAfter = view.Voters + 1;
        if (view.Voters > 1 && view.HealthyVoters < Quorum.Of(votersAfter))
            throw QuorumLost(view, $"after adding a replica, {view.HealthyVoters} healthy of {votersAfter} voters would remain if the new member failed, below the quorum of {Quorum.Of(votersAfter)}");
    }

    /// <summary>
    /// Rule 10: the last replica is never removed or replaced (-Force does not change this). It needs
    /// only the replica count, so -WhatIf reports it too.
    /// </summary>
    public static void CheckNotLastReplica(string cluster, int replicaCount, string replica, bool forRepair)
    {
        if (replicaCount > 1) return;
        throw forRepair
            ? new HaException(ErrorIds.LastReplica,
                $"'{replica}' is the only replica of cluster '{cluster}': replacing it would remove the last etcd member and with it the cluster's data (-Force does not change this).",
                $"If it runs, add a replica first (Add-MasterReplica -Cluster {cluster}), then repair; if it is stopped, start it: Start-MasterReplica -Cluster {cluster} -Name {replica}.", replica)
            : new HaException(ErrorIds.LastReplica,
                $"'{replica}' is the last replica of cluster '{cluster}' and cannot be removed (-Force does not change this).",
                $"To delete the whole cluster, run Remove-HaCluster -Name {cluster}.", replica);
    }

    public static void CheckRemove(MembershipView view, string replica, bool force, bool forRepair = false)
    {
        var target = view.Replicas.First(r => string.Equals(r.Replica, replica, StringComparison.OrdinalIgnoreCase));
        CheckNotLastReplica(view.Cluster, view.Replicas.Count, replica, forRepair);
        RequireNoPendingLearner(view);
        RequireQuorumRead(view);

        var votersAfter = view.Voters - (target.Voter ? 1 : 0);
        var healthyAfter = view.HealthyVoters - (target.Voter && target.Healthy ? 1 : 0);
        if (healthyAfter < Quorum.Of(votersAfter))
            throw QuorumLost(view, $"removing '{replica}' would leave {healthyAfter} healthy of {votersAfter} voters, below the quorum of {Quorum.Of(votersAfter)} (-Force does not change this)");

        var otherUnhealthy = view.Replicas.Where(r => !r.Healthy && r != target).ToList();
        if (otherUnhealthy.Count > 0 && forRepair)
            throw new HaException(ErrorIds.ClusterUnhealthy,
                $"Cannot replace '{replica}' in cluster '{view.Cluster}': {Describe(otherUnhealthy)}. etcd admits no new member while one of its voters is down, so once '{replica}' was removed its replacement could not join (-Force does not change this).",
                target.Healthy
                    ? $"Repair the unhealthy replica first: Repair-MasterReplica -Cluster {view.Cluster} -Name {otherUnhealthy[0].Replica}."
                    : $"Remove the other unhealthy replica first: Remove-MasterReplica -Cluster {view.Cluster} -Name {otherUnhealthy[0].Replica} -Force; then repair '{replica}' and add a replica back with Add-MasterReplica -Cluster {view.Cluster}.",
                replica);
        if (otherUnhealthy.Count > 0 && !force)
            throw new HaException(ErrorIds.ClusterUnhealthy,
                $"Cannot remove '{replica}' from cluster '{view.Cluster}': {Describe(otherUnhealthy)}. On an unhealthy cluster only the unhealthy replica may be removed or repaired.",
                $"Repair the unhealthy replica first: Repair-MasterReplica -Cluster {view.Cluster} -Name {otherUnhealthy[0].Replica}. Use -Force to remove '{replica}' anyway (quorum is still kept).",
                replica);
    }

    /// <summary>
    /// Stopping a healthy replica must not take the cluster below quorum, unless forced (a fault drill).
    /// The only replica of a cluster is no exception: stopping it stops the cluster.
    /// </summary>
    public static void CheckStop(MembershipView view, string replica, bool force)
    {
        var target = view.Replicas.First(r => string.Equals(r.Replica, replica, StringComparison.OrdinalIgnoreCase));
        if (force || !target.Voter || !target.Healthy) return;
        var healthyAfter = view.HealthyVoters - 1;
        if (healthyAfter < Quorum.Of(view.Voters))
            throw QuorumLost(view, $"stopping '{replica}' would leave {healthyAfter} healthy of {view.Voters} {Wording.Plural(view.Voters, "voter")}, below the quorum of {Quorum.Of(view.Voters)}",
                view.Replicas.Any(r => !r.Healthy)
                    ? "Repair the unhealthy replicas first, or add -Force to stop it anyway (etcd will stop accepting writes)."
                    : "Add -Force to stop it anyway: etcd will stop accepting writes until it is started again.");
    }

    /// <summary>
    /// Renewing certificates one replica at a time takes each out of service in turn (rule 3): it needs
    /// quorum and every replica healthy, or one more replica down would cost the quorum. A cluster
    /// whose certificates have expired is down for exactly that reason, hence the -Force advice.
    /// </summary>
    public static void CheckCertificateRenewal(MembershipView view) => RequireOneAtATimeSafe(view,
        "renew the certificates of",
        "Each replica is out of service while it is renewed, so another one down could cost the quorum",
        $"If its certificates have expired (Get-HaCertificate -Cluster {view.Cluster}), renew them all at once with Update-HaCertificate -Cluster {view.Cluster} -Force; otherwise: ",
        $", or renew all at once with Update-HaCertificate -Cluster {view.Cluster} -Force");

    /// <summary>
    /// Defragmenting takes each member out of service in turn (an etcd member answers nothing while it
    /// defragments): the same rule as a renewal, without a way around it.
    /// </summary>
    public static void CheckOptimize(MembershipView view) => RequireOneAtATimeSafe(view,
        "optimize the etcd database of", "Each member answers nothing while it is defragmented, so another one down could cost the quorum", "", "");

    /// <summary>
    /// A rollout adds a replica before it removes one, so quorum holds throughout, but etcd admits no
    /// new member while a voter is down (--strict-reconfig-check): every replica must be healthy, as
    /// Talos requires before an upgrade. Repair the unhealthy one instead; that is a replacement too.
    /// </summary>
    public static void CheckRollout(MembershipView view) => RequireOneAtATimeSafe(view,
        "roll out new replicas of", "A rollout adds each replacement before it removes an old replica, and etcd admits no new member while a voter is down", "", "");

    private static void RequireOneAtATimeSafe(MembershipView view, string doing, string whyAllHealthy, string quorumAdvice, string unhealthyAdvice)
    {
        if (!view.QuorumReadSucceeded)
            throw new HaException(ErrorIds.ClusterUnhealthy,
                $"Cannot {doing} cluster '{view.Cluster}' one replica at a time: it has no etcd quorum ({view.HealthyVoters} of {view.Voters} voters healthy).",
                quorumAdvice + QuorumRecoveryAction(view.Cluster, view.Voters, view.Replicas.Count(r => r.Voter && !r.DataLost)), view.Cluster);
        var unhealthy = view.Replicas.Where(r => !r.Healthy).ToList();
        if (unhealthy.Count > 0)
            throw new HaException(ErrorIds.ClusterUnhealthy,
                $"Cannot {doing} cluster '{view.Cluster}': {Describe(unhealthy)}. {whyAllHealthy}.",
                $"Start or replace the unhealthy replica first (Get-MasterReplica -Cluster {view.Cluster} | Where Unhealthy | Replace-MasterReplica){unhealthyAdvice}.",
                view.Cluster);
    }

    /// <summary>A warning when the change leaves an even count: two replicas tolerate no more failures than one.</summary>
    public static string? EvenCountWarning(string cluster, int replicasAfter) =>
        replicasAfter > 0 && replicasAfter % 2 == 0
            ? $"Cluster '{cluster}' now has {replicasAfter} replicas, which tolerate {Quorum.FaultTolerance(replicasAfter)} {Wording.Plural(Quorum.FaultTolerance(replicasAfter), "failure")}, no more than {replicasAfter - 1} {Wording.Plural(replicasAfter - 1, "replica")} would. Add a replica for an odd count."
            : null;

    private static void RequireNoPendingLearner(MembershipView view)
    {
        if (view.PendingLearners > 0)
            throw new HaException(ErrorIds.MembershipChangeInProgress,
                $"Cluster '{view.Cluster}' has an etcd learner or unstarted member: another membership change is in progress or was interrupted.",
                $"Wait for it to finish; if it was interrupted, run Get-EtcdMember -Cluster {view.Cluster} to see it, and any change to the cluster will finish or roll it back.",
                view.Cluster);
    }

    private static void RequireQuorumRead(MembershipView view)
    {
        if (!view.QuorumReadSucceeded)
            throw new HaException(ErrorIds.ClusterUnhealthy,
                $"Cluster '{view.Cluster}' has lost its etcd quorum ({view.HealthyVoters} of {view.Voters} voters healthy): no membership change is possible. "
                + Describe(view.Replicas.Where(r => !r.Healthy).ToList()) + ".",
                QuorumRecoveryAction(view.Cluster, view.Voters, view.Replicas.Count(r => r.Voter && !r.DataLost)), view.Cluster);
    }

    /// <summary>
    /// The way back from a lost quorum: starting the stopped replicas while enough of them still have
    /// their data for a quorum, else a restore (the only command that acts without quorum).
    /// </summary>
    public static string QuorumRecoveryAction(string cluster, int voters, int votersWithData) =>
        votersWithData >= Quorum.Of(voters)
            ? $"Start the stopped replicas with Get-MasterReplica -Cluster {cluster} | Start-MasterReplica."
            : $"{voters - votersWithData} of {voters} voters have lost their data, so the quorum cannot come back: restore the cluster with Restore-HaCluster -Cluster {cluster} (it picks the freshest source it can prove).";

    private static HaException QuorumLost(MembershipView view, string reason, string? action = null)
    {
        var unhealthy = view.Replicas.FirstOrDefault(r => !r.Healthy);
        return new HaException(ErrorIds.QuorumWouldBeLost,
            $"Refused for cluster '{view.Cluster}': {reason}.",
            action ?? (unhealthy is null
                ? "Keep the change within the quorum."
                : $"Repair the unhealthy replica first: Repair-MasterReplica -Cluster {view.Cluster} -Name {unhealthy.Replica}."),
            view.Cluster);
    }

    private static string Describe(IReadOnlyList<MemberHealth> unhealthy) =>
        string.Join("; ", unhealthy.Select(r => $"replica '{r.Replica}' is unhealthy ({r.Problem ?? "unknown"})"));
}
