using HaMaster.Engine.Errors;
using HaMaster.Engine.Model;

namespace HaMaster.Engine.Flows;

/// <summary>
/// Renews one replica's certificates with new keys (docs/design.md §10.3): out of the load balancer,
/// etcd leadership handed on, its processes stopped cleanly, new API and etcd certificates written over
/// the old ones, started again, and back behind the cluster address once healthy. Journaled from its
/// first step: an interrupted renewal is finished by running it again (every step is idempotent, and
/// issuing again only makes newer keys).
/// </summary>
public sealed class RenewReplicaCertificatesFlow : Flow
{
    private readonly ReplicaRecord _replica;

    public RenewReplicaCertificatesFlow(ClusterSession session, ReplicaRecord replica) : base(session)
    {
        _replica = replica;
        Steps =
        [
            new("drain", "Take it out of the load balancer", ct => session.Provider.DrainAsync(session.State, replica, ct)) { PointOfNoReturn = true },
            new("move-leader", "Move etcd leadership away from it", MoveLeaderAsync),
            new("stop", "Stop its processes cleanly", ct => session.Provider.StopReplicaAsync(session.State, replica, graceful: true, ct)),
            new("renew", "Write its new certificates and keys", _ => RenewAsync()),
            new("start", "Start it with them", ct => session.StartReplicaAsync(replica, StartReplicaFlow.ExistingClusterBootstrap(session.State), ct)),
            // Back behind the cluster address only once its API is ready: the load balancer's own check
            // may let a request through before it has seen a failure.
            new("wait-ready", "Wait until it is healthy", ct => WaitAsync(ct, served: false)),
            new("load-balancer", "Put it back behind the cluster address", ct => session.Provider.ReconcileFrontendAsync(session.State, session.Pki.ClusterCaFile, ct)),
            new("wait-served", "Wait until the load balancer serves it", ct => WaitAsync(ct, served: true)),
        ];
    }

    public static RenewReplicaCertificatesFlow Interrupted(ClusterSession session, string? replica) =>
        new(session, session.State.FindReplica(replica ?? "") ?? throw new InvalidOperationException($"The interrupted certificate renewal names replica '{replica}', which the cluster no longer has."));

    public override string Activity => $"Renew the certificates of {_replica.Name}";
    public override IReadOnlyList<FlowStep> Steps { get; }
    public override OperationKind? Journal => OperationKind.RenewCertificates;
    public override string? ReplicaName => _replica.Name;

    private async Task MoveLeaderAsync(CancellationToken cancellationToken)
    {
        var health = await Session.InspectAsync(cancellationToken).ConfigureAwait(false);
        await Session.MoveLeadershipAwayAsync(health, _replica, cancellationToken).ConfigureAwait(false);
    }

    private Task RenewAsync()
    {
        Session.IssueCertificates(_replica);
        return Task.CompletedTask;
    }

    /// <summary>The health gate between replicas: the next one is not touched until this one serves again.</summary>
    private async Task WaitAsync(CancellationToken cancellationToken, bool served)
    {
        var timeout = Session.Options.ReadyTimeout;
        var holds = served
            ? await Session.WaitServedAsync(_replica, timeout, cancellationToken).ConfigureAwait(false)
            : await Session.WaitHealthyAsync(_replica, cancellationToken).ConfigureAwait(false);
        if (!holds)
            throw new HaException(ErrorIds.ReplicaNotReady,
                $"Replica '{_replica.Name}' was not {(served ? "served by the load balancer" : "healthy")} within {timeout.TotalSeconds:0} s after its certificates were renewed; the other replicas were not touched.",
                $"See its Problems with Get-MasterReplica -Cluster {Session.Name} -Name {_replica.Name}; Update-HaCertificate -Cluster {Session.Name} runs the renewal again.",
                _replica.Name);
    }
}
