using HaMaster.Engine.Flows;
using HaMaster.Engine.Providers;
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

    /// <summary>
    /// What an update of <paramref name="cluster"/> would do, as -WhatIf shows it: the settings it
    /// would record and the replicas it would replace (none when nothing changes and no
    /// <paramref name="rollout"/> is asked). Bad input throws here, before anything is touched.
    /// </summary>
    public UpdatePlan PlanUpdate(string cluster, ReplicaSettingsChange change, bool rollout, bool force)
    {
        var state = _store.Load(cluster);
        var settings = _providers(state.Provider).PlanSettingsChange(state, change, force);
        return new UpdatePlan(settings, settings.Count > 0 || rollout ? state.Replicas.Select(r => r.Name).ToList() : []);
    }

    /// <summary>Replaces every replica with a new one made with the current settings (<see cref="UpdateAsync"/> with -Rollout alone).</summary>
    public Task<IReadOnlyList<MasterReplica>> RolloutAsync(string cluster, CancellationToken cancellationToken) =>
        UpdateAsync(cluster, ReplicaSettingsChange.None, rollout: true, force: false, cancellationToken);

    /// <summary>
    /// Records <paramref name="change"/> (checked by the provider) and replaces every replica with a
    /// new one made with the settings, one at a time and surge first (<see cref="RolloutFlow"/>); with
    /// <paramref name="rollout"/>, replaces every replica even when no setting changes. Needs every
    /// replica healthy; returns the replicas after.
    /// </summary>
    public Task<IReadOnlyList<MasterReplica>> UpdateAsync(string cluster, ReplicaSettingsChange change, bool rollout, bool force, CancellationToken cancellationToken) =>
        ChangeAsync(cluster, "Update-HaCluster", async session =>
        {
            var settings = session.Provider.PlanSettingsChange(session.State, change, force);
            if (settings.Count == 0 && !rollout)
            {
                session.Observer.Warning($"Cluster '{cluster}' has these settings already; no replica was replaced. Update-HaCluster -Cluster {cluster} -Rollout replaces every replica anyway.");
                return ViewMapper.ToReplicas(await session.InspectAsync(cancellationToken).ConfigureAwait(false));
            }
            var health = await session.HealthGateAsync(cancellationToken).ConfigureAwait(false);
            SafetyRules.CheckRollout(MembershipView.From(health));
            await new RolloutFlow(session, health, settings).RunAsync(cancellationToken).ConfigureAwait(false);
            WarnIfEven(session);
            return ViewMapper.ToReplicas(await session.InspectSettledAsync(cancellationToken).ConfigureAwait(false));
        }, cancellationToken);
}
