using HaMaster.Engine.Flows;
using HaMaster.Engine.Safety;
using HaMaster.Engine.Views;

namespace HaMaster.Engine;

/// <summary>Rolling updates and etcd maintenance (docs/design.md §10.4, §10.5).</summary>
public sealed partial class HaEngine
{
    /// <summary>
    /// Compacts etcd's history, defragments every member one at a time with each out of the load
    /// balancer while it blocks, and disarms NOSPACE once there is room. Needs every replica healthy
    /// (each member is out of service in turn); a NOSPACE alarm does not count against that.
    /// </summary>
    public Task<IReadOnlyList<EtcdDefragmentation>> OptimizeAsync(string cluster, CancellationToken cancellationToken) =>
        ChangeAsync(cluster, "Optimize-HaCluster", async session =>
        {
            var health = await session.HealthGateAsync(cancellationToken).ConfigureAwait(false);
            SafetyRules.CheckOptimize(MembershipView.From(health));
            if (session.State.Replicas.Count == 1)
                session.Observer.Warning($"Cluster '{cluster}' has one replica: the cluster address does not answer while its etcd member is defragmented. Add replicas first to optimize without downtime.");
            var flow = new OptimizeClusterFlow(session, health);
            await flow.RunAsync(cancellationToken).ConfigureAwait(false);
            return flow.Results;
        }, cancellationToken);

    /// <summary>The replicas a rollout of <paramref name="cluster"/> would replace, as -WhatIf lists them.</summary>
    public IReadOnlyList<string> RolloutPlan(string cluster) => _store.Load(cluster).Replicas.Select(r => r.Name).ToList();

    /// <summary>
    /// Replaces every replica with a new one made with the current settings, one at a time and surge
    /// first (<see cref="RolloutFlow"/>). Needs every replica healthy; returns the replicas after.
    /// </summary>
    public Task<IReadOnlyList<MasterReplica>> RolloutAsync(string cluster, CancellationToken cancellationToken) =>
        ChangeAsync(cluster, "Update-HaCluster", async session =>
        {
            var health = await session.HealthGateAsync(cancellationToken).ConfigureAwait(false);
            SafetyRules.CheckRollout(MembershipView.From(health));
            await new RolloutFlow(session, health).RunAsync(cancellationToken).ConfigureAwait(false);
            WarnIfEven(session);
            return ViewMapper.ToReplicas(await session.InspectSettledAsync(cancellationToken).ConfigureAwait(false));
        }, cancellationToken);
}
