using HaMaster.Engine.Errors;
using HaMaster.Engine.Model;
using HaMaster.Engine.Providers;
using HaMaster.Engine.Safety;

namespace HaMaster.Engine.Flows;

/// <summary>
/// Brings a cluster back from a verified etcd snapshot (docs/design.md §10.2): every replica fenced
/// (API endpoint, then etcd), the snapshot restored with the real etcd tool into one replica under a
/// new cluster identity, that replica started as the whole cluster with the cluster address on it,
/// every other replica removed with its data, then replicas added back one at a time. Fencing is the
/// point of no return: from there an interruption is finished by the next command, from the step the
/// journal names, never started over.
/// </summary>
public sealed class RestoreClusterFlow : Flow
{
    private readonly RestorePlan _plan;
    private readonly string? _resumeAt;

    public RestoreClusterFlow(ClusterSession session, RestorePlan plan) : this(session, plan, resumeAt: null)
    {
    }

    private RestoreClusterFlow(ClusterSession session, RestorePlan plan, string? resumeAt) : base(session)
    {
        _plan = plan;
        _resumeAt = resumeAt;
        Steps =
        [
            new("fence", "Stop every replica's API endpoint and etcd member", FenceAsync) { PointOfNoReturn = true },
            new("restore-data", $"Restore {plan.Source} into {plan.Replica} under a new cluster identity", RestoreDataAsync),
            new("remove-others", "Remove the other replicas with their data", _ => RemoveOthersAsync()),
            new("start", $"Start {plan.Replica} as the restored cluster", StartAsync),
            new("frontend", $"Serve the cluster address {session.State.Address} from {plan.Replica}", ServeAddressAsync),
            new("add-back", $"Add replicas back, one at a time, up to {plan.AddBackZones.Count + 1}", AddBackAsync),
        ];
    }

    /// <summary>The restore the journal says was interrupted.</summary>
    public static RestoreClusterFlow Interrupted(ClusterSession session, PendingOperation pending) =>
        new(session, pending.Restore ?? throw new HaException(ErrorIds.StateCorrupt,
                $"The journal of cluster '{session.Name}' names an interrupted restore but not its source.",
                $"Run Restore-HaCluster -Cluster {session.Name} again with the source you meant.", session.Name),
            pending.Step);

    public override string Activity => $"Restore cluster {Session.Name}";
    public override OperationKind? Journal => OperationKind.RestoreCluster;
    public override string? ReplicaName => _plan.Replica;
    public override RestorePlan? RestorePlan => _plan;
    public override IReadOnlyList<FlowStep> Steps { get; }

    private ReplicaRecord Target => Session.State.FindReplica(_plan.Replica) ?? throw HaErrors.ReplicaNotFound(Session.Name, _plan.Replica);

    private EtcdBootstrap NewClusterBootstrap => new([KeyValuePair.Create(Target.Name, Target.PeerUrl)], NewCluster: true);

    /// <summary>Goes on from the step the journal names: a step already passed (the fence, the restore) is never run again.</summary>
    public override Task FinishAsync(CancellationToken cancellationToken) =>
        FlowRunner.RunStepsAsync(this, Session, Session.State.Pending, cancellationToken, from: _resumeAt);

    /// <summary>Replicas are stopped side by side; each provider stops the API endpoint before the etcd member.</summary>
    private Task FenceAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(Session.State.Replicas.ToList().Select(r => Session.Provider.StopReplicaAsync(Session.State, r, graceful: true, cancellationToken)));

    private async Task RestoreDataAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(_plan.SnapshotPath))
            throw new HaException(ErrorIds.BackupNotFound,
                $"The snapshot the restore of cluster '{Session.Name}' started from, {_plan.SnapshotPath}, is gone.",
                $"Put it back and run any command on the cluster, or remove the cluster's journal by restoring again: Restore-HaCluster -Cluster {Session.Name} -Path <snapshot> -Force.", _plan.SnapshotPath);
        Session.State.EtcdClusterToken = _plan.ClusterToken;
        Session.Save();
        await Session.Provider.RestoreEtcdDataAsync(Session.State, Target, _plan.SnapshotPath, NewClusterBootstrap, Session.Pki.FilesFor(Target.Name), cancellationToken).ConfigureAwait(false);
    }

    private async Task RemoveOthersAsync()
    {
        foreach (var replica in Session.State.Replicas.Where(r => r.Name != _plan.Replica).ToList())
        {
            await Session.Provider.DeleteReplicaAsync(Session.State, replica, CancellationToken.None).ConfigureAwait(false);
            Session.Pki.DeleteReplica(replica.Name);
            Session.State.Replicas.Remove(replica);
            Session.Save();
        }
        Target.Phase = ReplicaPhase.Active;
        Session.Save();
    }

    /// <summary>
    /// Starts the restored replica and waits for it to lead its one-member cluster. Where the provider
    /// restarts replicas in seconds, one that still answers nothing after
    /// <see cref="EngineOptions.RestoredReplicaPatience"/> is restarted once: seen on a loaded machine,
    /// a restored member that kept its clients waiting for over a minute, then served at once.
    /// </summary>
    private async Task StartAsync(CancellationToken cancellationToken)
    {
        await Session.StartReplicaAsync(Target, NewClusterBootstrap, cancellationToken).ConfigureAwait(false);
        var timeout = Session.Options.ReadyTimeout;
        var restarts = Session.Provider.RestartsInSeconds && Session.Options.RestoredReplicaPatience < timeout;
        var problem = await WaitLeaderAsync(restarts ? Session.Options.RestoredReplicaPatience : timeout, cancellationToken).ConfigureAwait(false);
        if (problem is not null && restarts)
        {
            Session.Observer.Verbose($"The restored replica {Target.Name} is not ready after {Session.Options.RestoredReplicaPatience.TotalSeconds:0.#} s ({problem}): restarting it once.");
            await Session.RestartReplicaAsync(Target, NewClusterBootstrap, cancellationToken).ConfigureAwait(false);
            problem = await WaitLeaderAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        if (problem is not null)
            throw new HaException(ErrorIds.ReplicaNotReady,
                $"The restored replica {Target.Name} of cluster '{Session.Name}' did not become ready within {timeout.TotalSeconds:0} s: {problem}.",
                $"Look at its etcd log (-Verbose), then run any command on cluster {Session.Name}: it goes on with the restore.", Target.Name);
        Session.Save();
    }

    private Task<string?> WaitLeaderAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        Session.WaitReplicaReadyAsync(Target, status =>
        {
            if (status.LeaderId == 0) return "etcd has no leader yet";
            Target.EtcdMemberId = status.MemberId;
            return null;
        }, timeout, cancellationToken);

    private async Task ServeAddressAsync(CancellationToken cancellationToken)
    {
        await Session.Provider.ReconcileFrontendAsync(Session.State, Session.Pki.ClusterCaFile, cancellationToken).ConfigureAwait(false);
        var problem = await Session.WaitApiReadyAsync(Session.State.Address, Session.Options.ReadyTimeout, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
            throw new HaException(ErrorIds.ReplicaNotReady,
                $"The cluster address {Session.State.Address} did not answer after the restore: {problem}.",
                $"Run any command on cluster {Session.Name}: it goes on with the restore.", Session.Name);
    }

    /// <summary>Adds replicas in the zones the lost ones had, each with the usual learner path and its own journal entry inside this one.</summary>
    private async Task AddBackAsync(CancellationToken cancellationToken)
    {
        var target = _plan.AddBackZones.Count + 1;
        while (Session.State.Replicas.Count < target)
        {
            var health = await Session.HealthGateAsync(cancellationToken).ConfigureAwait(false);
            SafetyRules.CheckAdd(MembershipView.From(health));
            var zone = _plan.AddBackZones[Session.State.Replicas.Count - 1];
            await new AddReplicaFlow(Session, health, zone).RunAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
