using HaMaster.Engine.Errors;
using HaMaster.Engine.Etcd;
using HaMaster.Engine.Model;
using HaMaster.Engine.Naming;
using HaMaster.Engine.Providers;

namespace HaMaster.Engine.Flows;

/// <summary>
/// Creates an HA-compatible cluster with one replica: the stable address, the CAs, the first etcd
/// member and API endpoint, and the cluster address served by that replica.
/// </summary>
public sealed class CreateClusterFlow : Flow
{
    private readonly ReplicaRecord _first;

    public CreateClusterFlow(ClusterSession session) : base(session)
    {
        var state = session.State;
        _first = state.FindReplica(ResourceNames.FirstReplica(state.Name)) ?? new ReplicaRecord
        {
            Name = ResourceNames.FirstReplica(state.Name),
            Zone = state.Zone,
            InternalAddress = session.Provider.AllocateReplicaAddress(state),
            Phase = ReplicaPhase.Joining,
            CreatedAt = state.CreatedAt,
        };
        Steps =
        [
            new("record", $"Record the first replica {_first.Name}", _ => RecordAsync()),
            new("certificates", "Create the cluster CA, the etcd CA and the first replica's certificates", _ => IssueCertificatesAsync()),
            new("start", $"Start the first etcd member and API endpoint ({_first.Name}, {_first.InternalAddress})", StartAsync),
            new("wait-ready", "Wait until etcd has a leader and the API is ready", WaitReadyAsync),
            new("frontend", $"Serve the cluster address {state.Address} from {_first.Name}", ServeAddressAsync),
        ];
    }

    public override string Activity => $"Create cluster {Session.Name}";
    public override OperationKind? Journal => OperationKind.CreateCluster;
    public override string RollBackDescription => "removing what was made";
    public override IReadOnlyList<FlowStep> Steps { get; }

    private EngineOptions Options => Session.Options;

    /// <summary>A cluster half made is never finished: whatever was made is removed.</summary>
    public override Task RollBackAsync(CancellationToken cancellationToken) => new RemoveClusterFlow(Session).FinishAsync(cancellationToken);

    private Task RecordAsync()
    {
        if (!Session.State.Replicas.Contains(_first)) Session.State.Replicas.Add(_first);
        Session.Save();
        return Task.CompletedTask;
    }

    private Task IssueCertificatesAsync()
    {
        Session.Pki.CreateAuthorities(Session.Name, DateTimeOffset.UtcNow, Session.State.CertificateValidity);
        Session.IssueCertificates(_first);
        return Task.CompletedTask;
    }

    private Task StartAsync(CancellationToken cancellationToken) =>
        Session.StartReplicaAsync(_first, new EtcdBootstrap([KeyValuePair.Create(_first.Name, _first.PeerUrl)], NewCluster: true), cancellationToken);

    private async Task WaitReadyAsync(CancellationToken cancellationToken)
    {
        var problem = await Session.WaitReplicaReadyAsync(_first, status =>
        {
            if (status.LeaderId == 0) return "etcd has no leader yet";
            _first.EtcdMemberId = status.MemberId;
            return null;
        }, Options.ReadyTimeout, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
            throw new HaException(ErrorIds.ReplicaNotReady,
                $"The first replica of cluster '{Session.Name}' did not become ready within {Options.ReadyTimeout.TotalSeconds:0} s: {problem}. Nothing was kept.",
                "Look at the etcd and endpoint logs printed with -Verbose, then run New-HaCluster again.", Session.Name);
    }

    private async Task ServeAddressAsync(CancellationToken cancellationToken)
    {
        _first.Phase = ReplicaPhase.Active;
        Session.Save();
        await Session.Provider.ReconcileFrontendAsync(Session.State, Session.Pki.ClusterCaFile, cancellationToken).ConfigureAwait(false);
        var problem = await Session.WaitApiReadyAsync(Session.State.Address, Options.ReadyTimeout, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
            throw new HaException(ErrorIds.ReplicaNotReady,
                $"The cluster address {Session.State.Address} did not answer within {Options.ReadyTimeout.TotalSeconds:0} s: {problem}. Nothing was kept.",
                "Run New-HaCluster again; if it fails the same way, report it with the -Verbose output.", Session.Name);
    }
}
