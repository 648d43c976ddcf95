using System.Net;
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
public sealed class CreateClusterFlow
{
    private readonly ClusterSession _session;
    private readonly ReplicaRecord _first;

    public CreateClusterFlow(ClusterSession session)
    {
        _session = session;
        var state = session.State;
        _first = new ReplicaRecord
        {
            Name = ResourceNames.FirstReplica(state.Name),
            Zone = state.Zone,
            InternalAddress = session.Provider.AllocateReplicaAddress(state),
            Phase = ReplicaPhase.Joining,
            CreatedAt = state.CreatedAt,
        };
        Steps =
        [
            new("certificates", "Create the cluster CA, the etcd CA and the first replica's certificates", _ => IssueCertificatesAsync()),
            new("start", $"Start the first etcd member and API endpoint ({_first.Name}, {_first.InternalAddress})", StartAsync),
            new("wait-ready", "Wait until etcd has a leader and the API is ready", WaitReadyAsync),
            new("frontend", $"Serve the cluster address {state.Address} from {_first.Name}", ServeAddressAsync),
        ];
    }

    public IReadOnlyList<FlowStep> Steps { get; }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var state = _session.State;
        state.Replicas.Add(_first);
        state.Pending = new PendingOperation { Kind = OperationKind.CreateCluster, ProcessId = Environment.ProcessId, StartedAt = DateTimeOffset.UtcNow };
        _session.Save();
        try
        {
            await FlowRunner.RunAsync($"Create cluster {state.Name}", Steps, _session, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            _session.Observer.Warning($"Creating cluster {state.Name} failed ({(e is OperationCanceledException ? "stopped by the user" : e.Message)}); removing what was made.");
            await RemoveClusterFlow.TearDownAsync(_session, CancellationToken.None).ConfigureAwait(false);
            throw;
        }
        state.Pending = null;
        _session.Save();
    }

    private Task IssueCertificatesAsync()
    {
        _session.Pki.CreateAuthorities(_session.Name, DateTimeOffset.UtcNow);
        _session.Pki.IssueReplica(_first.Name, IPAddress.Parse(_first.InternalAddress), IPAddress.Parse(_session.State.Address), DateTimeOffset.UtcNow);
        return Task.CompletedTask;
    }

    private Task StartAsync(CancellationToken cancellationToken) =>
        _session.Provider.StartReplicaAsync(_session.State, _first,
            new EtcdBootstrap([KeyValuePair.Create(_first.Name, _first.PeerUrl)], NewCluster: true),
            _session.Pki.FilesFor(_first.Name), cancellationToken);

    private async Task WaitReadyAsync(CancellationToken cancellationToken)
    {
        var problem = await _session.WaitReplicaReadyAsync(_first, status =>
        {
            if (status.LeaderId == 0) return "etcd has no leader yet";
            _first.EtcdMemberId = status.MemberId;
            return null;
        }, AddReplicaFlow.ReadyTimeout, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
            throw new HaException(ErrorIds.ReplicaNotReady,
                $"The first replica of cluster '{_session.Name}' did not become ready within {AddReplicaFlow.ReadyTimeout.TotalSeconds:0} s: {problem}. Nothing was kept.",
                "Look at the etcd and endpoint logs printed with -Verbose, then run New-HaCluster again.", _session.Name);
    }

    private async Task ServeAddressAsync(CancellationToken cancellationToken)
    {
        _first.Phase = ReplicaPhase.Active;
        _session.Save();
        await _session.Provider.ReconcileFrontendAsync(_session.State, _session.Pki.ClusterCaFile, cancellationToken).ConfigureAwait(false);
        var problem = await _session.WaitApiReadyAsync(_session.State.Address, AddReplicaFlow.ReadyTimeout, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
            throw new HaException(ErrorIds.ReplicaNotReady,
                $"The cluster address {_session.State.Address} did not answer within {AddReplicaFlow.ReadyTimeout.TotalSeconds:0} s: {problem}. Nothing was kept.",
                "Run New-HaCluster again; if it fails the same way, report it with the -Verbose output.", _session.Name);
    }
}
