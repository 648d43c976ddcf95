using HaMaster.Engine.Errors;
using HaMaster.Engine.Model;

namespace HaMaster.Engine.Flows;

/// <summary>
/// Renews every certificate at once (Update-HaCertificate -Force, docs/design.md §10.3): the way back
/// when they have expired, etcd peers refuse each other and the cluster is down, so there is no quorum
/// to keep. Every replica stopped, every leaf and the module's etcd client certificate issued again
/// with new keys, every replica started, then waited for. Journaled from its first step: an
/// interrupted run is finished by running it again.
/// </summary>
public sealed class RenewAllCertificatesFlow : Flow
{
    public RenewAllCertificatesFlow(ClusterSession session) : base(session)
    {
        Steps =
        [
            new("stop-all", "Stop every replica", StopAllAsync) { PointOfNoReturn = true },
            new("renew-all", "Write every new certificate and key", _ => RenewAllAsync()),
            new("start-all", "Start every replica", StartAllAsync),
            new("load-balancer", "Put them behind the cluster address", ct => session.Provider.ReconcileFrontendAsync(session.State, session.Pki.ClusterCaFile, ct)),
            new("wait-ready", "Wait until the cluster is healthy and served", WaitHealthyAsync),
        ];
    }

    public override string Activity => $"Renew every certificate of {Session.Name}";
    public override IReadOnlyList<FlowStep> Steps { get; }
    public override OperationKind? Journal => OperationKind.RenewCertificates;

    private async Task StopAllAsync(CancellationToken cancellationToken)
    {
        foreach (var replica in Session.State.Replicas)
            await Session.Provider.StopReplicaAsync(Session.State, replica, graceful: false, cancellationToken).ConfigureAwait(false);
    }

    private Task RenewAllAsync()
    {
        foreach (var replica in Session.State.Replicas)
            Session.IssueCertificates(replica);
        Session.Pki.RenewEtcdClient(DateTimeOffset.UtcNow, Session.State.CertificateValidity);
        Session.ReopenEtcd();
        return Task.CompletedTask;
    }

    private async Task StartAllAsync(CancellationToken cancellationToken)
    {
        var bootstrap = StartReplicaFlow.ExistingClusterBootstrap(Session.State);
        foreach (var replica in Session.State.Replicas)
            await Session.StartReplicaAsync(replica, bootstrap, cancellationToken).ConfigureAwait(false);
    }

    private async Task WaitHealthyAsync(CancellationToken cancellationToken)
    {
        var timeout = Session.Options.ReadyTimeout;
        Health.ClusterHealth? last = null;
        var healthy = await Waiter.UntilAsync(async () =>
        {
            last = await Session.InspectAsync(cancellationToken).ConfigureAwait(false);
            return last.QuorumReadSucceeded && last.Replicas.All(r => r.Healthy);
        }, timeout, cancellationToken).ConfigureAwait(false);
        foreach (var replica in Session.State.Replicas)
            healthy = healthy && await Session.WaitServedAsync(replica, timeout, cancellationToken).ConfigureAwait(false);
        if (!healthy)
            throw new HaException(ErrorIds.ReplicaNotReady,
                $"Cluster '{Session.Name}' was not healthy within {timeout.TotalSeconds:0} s after every certificate was renewed: {string.Join("; ", last?.Problems ?? [])}",
                $"See Get-MasterReplica -Cluster {Session.Name}; Update-HaCertificate -Cluster {Session.Name} -Force runs the renewal again.", Session.Name);
    }
}
