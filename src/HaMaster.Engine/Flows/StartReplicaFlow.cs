using HaMaster.Engine.Errors;
using HaMaster.Engine.Model;
using HaMaster.Engine.Providers;
using HaMaster.Engine.Safety;

namespace HaMaster.Engine.Flows;

/// <summary>
/// Starts a stopped replica with its old identity: its etcd member rejoins from its own data, the
/// cluster address serves it again, and it is waited for when enough members run for a quorum
/// (after a reboot the first replicas started cannot be ready until a majority is back). Not journaled:
/// every step only brings the replica nearer to what the state already says.
/// </summary>
public sealed class StartReplicaFlow : Flow
{
    private readonly ReplicaRecord _replica;

    public StartReplicaFlow(ClusterSession session, ReplicaRecord replica) : base(session)
    {
        _replica = replica;
        Steps =
        [
            new("check-data", "Check that it still has its data", RefuseLostDataAsync),
            new("start", "Start its etcd member and API endpoint", ct => session.StartReplicaAsync(replica, ExistingClusterBootstrap(session.State), ct)),
            new("load-balancer", "Put it behind the cluster address", ct => session.Provider.ReconcileFrontendAsync(session.State, session.Pki.ClusterCaFile, ct)),
            new("wait-ready", "Wait until it is healthy, when a quorum runs", WaitHealthyAsync),
        ];
    }

    public override string Activity => $"Start replica {_replica.Name}";
    public override IReadOnlyList<FlowStep> Steps { get; }

    /// <summary>How a member of an existing cluster (re)starts: every recorded replica is in its initial cluster.</summary>
    public static EtcdBootstrap ExistingClusterBootstrap(ClusterState state) =>
        new(state.Replicas.Select(r => KeyValuePair.Create(r.Name, r.PeerUrl)).ToList(), NewCluster: false);

    /// <summary>A replica whose data is gone is replaced, or, when too few replicas kept theirs for a quorum, the cluster is restored.</summary>
    private async Task RefuseLostDataAsync(CancellationToken cancellationToken)
    {
        var state = Session.State;
        if ((await Session.Provider.InspectAsync(state, _replica, cancellationToken).ConfigureAwait(false)).Status != ReplicaStatus.Missing) return;
        var voters = state.ActiveReplicas.ToList();
        var runtimes = await Task.WhenAll(voters.Select(r => Session.Provider.InspectAsync(state, r, cancellationToken))).ConfigureAwait(false);
        var withData = runtimes.Count(r => r.Status != ReplicaStatus.Missing);
        throw new HaException(ErrorIds.ReplicaDataLost,
            $"Replica '{_replica.Name}' of cluster '{Session.Name}' has lost its data; started empty, its etcd member could not rejoin with its old identity.",
            withData >= Quorum.Of(voters.Count)
                ? $"Replace it: Repair-MasterReplica -Cluster {Session.Name} -Name {_replica.Name}."
                : SafetyRules.QuorumRecoveryAction(Session.Name, voters.Count, withData), _replica.Name);
    }

    private async Task WaitHealthyAsync(CancellationToken cancellationToken)
    {
        var state = Session.State;
        var runtimes = await Task.WhenAll(state.Replicas.Select(r => Session.Provider.InspectAsync(state, r, cancellationToken))).ConfigureAwait(false);
        if (runtimes.Count(r => r.Status == ReplicaStatus.Running) < Quorum.Of(state.ActiveReplicas.Count())) return;
        if (!await Session.WaitHealthyAsync(_replica, cancellationToken).ConfigureAwait(false)
            || !await Session.WaitServedAsync(_replica, Session.Options.ReadyTimeout, cancellationToken).ConfigureAwait(false))
            Session.Observer.Warning($"{_replica.Name} runs but was not healthy and served by the load balancer within {Session.Options.ReadyTimeout.TotalSeconds:0} s; its Problems say why.");
    }
}
