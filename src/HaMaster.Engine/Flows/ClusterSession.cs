using HaMaster.Engine.Errors;
using HaMaster.Engine.Etcd;
using HaMaster.Engine.Health;
using HaMaster.Engine.Model;
using HaMaster.Engine.Pki;
using HaMaster.Engine.Providers;
using HaMaster.Engine.State;

namespace HaMaster.Engine.Flows;

/// <summary>
/// Everything one command needs to work on one cluster: its state, provider, certificates, etcd
/// and API clients. Opened per command and disposed at its end.
/// </summary>
public sealed class ClusterSession : IDisposable
{
    private IEtcdGateway? _etcd;
    private ApiProbe? _api;

    public ClusterSession(ClusterState state, ClusterStore store, IReplicaProvider provider, IOperationObserver observer, ProgressActivity progress)
    {
        State = state;
        Store = store;
        Provider = provider;
        Observer = observer;
        Progress = progress;
        Pki = new ClusterPki(store.Directory.PkiDirectory(state.Name));
    }

    public ClusterState State { get; private set; }
    public ClusterStore Store { get; }
    public IReplicaProvider Provider { get; }
    public IOperationObserver Observer { get; }
    /// <summary>The operation this session works for; flows report as its children.</summary>
    public ProgressActivity Progress { get; }
    public ClusterPki Pki { get; }
    public string Name => State.Name;

    public static TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(2);

    public IEtcdGateway Etcd => _etcd ??= Provider.OpenEtcd(State, Pki.LoadEtcdCredentials());
    public ApiProbe Api => _api ??= new ApiProbe(Pki.LoadClusterCa(), ProbeTimeout);

    public void Save() => Store.Save(State);

    public void Reload() => State = Store.Load(State.Name);

    public Task<ClusterHealth> InspectAsync(CancellationToken cancellationToken) =>
        new ClusterInspector(Provider, Etcd, Api).InspectAsync(State, cancellationToken);

    /// <summary>
    /// A snapshot to base a safety decision on: when a replica whose processes run looks unhealthy,
    /// look again a few times, so that one slow probe on a loaded machine does not refuse a change.
    /// A replica that is really down stays unhealthy in every look.
    /// </summary>
    public async Task<ClusterHealth> InspectSettledAsync(CancellationToken cancellationToken)
    {
        var health = await InspectAsync(cancellationToken).ConfigureAwait(false);
        for (var look = 1; look < SettleLooks && health.Replicas.Any(r => !r.Healthy && r.Status == ReplicaStatus.Running); look++)
        {
            await Task.Delay(SettleInterval, cancellationToken).ConfigureAwait(false);
            health = await InspectAsync(cancellationToken).ConfigureAwait(false);
        }
        return health;
    }

    private const int SettleLooks = 4;
    private static readonly TimeSpan SettleInterval = TimeSpan.FromMilliseconds(500);

    public ReplicaRecord RequireReplica(string name) => State.FindReplica(name) ?? throw HaErrors.ReplicaNotFound(Name, name);

    /// <summary>
    /// Waits until the replica's etcd member answers with a status <paramref name="etcdProblem"/>
    /// accepts (it returns null) and its API endpoint is ready. Null when ready, else the last problem seen.
    /// </summary>
    public async Task<string?> WaitReplicaReadyAsync(ReplicaRecord replica, Func<EtcdEndpointStatus, string?> etcdProblem, TimeSpan timeout, CancellationToken cancellationToken)
    {
        string? problem = null;
        var ready = await Waiter.UntilAsync(async () =>
        {
            try
            {
                problem = etcdProblem(await Etcd.StatusAsync(replica.ClientUrl, cancellationToken).ConfigureAwait(false));
                if (problem is not null) return false;
            }
            catch (EtcdRequestException e)
            {
                problem = $"its etcd member does not answer: {e.Reason}";
                return false;
            }
            var runtime = await Provider.InspectAsync(State, replica, cancellationToken).ConfigureAwait(false);
            problem = await runtime.ReadyProblemAsync(Api, replica, State.ApiPort, cancellationToken).ConfigureAwait(false);
            return problem is null;
        }, timeout, cancellationToken).ConfigureAwait(false);
        return ready ? null : problem;
    }

    /// <summary>Waits until the API at <paramref name="address"/> is ready. Null when ready, else the last problem seen.</summary>
    public async Task<string?> WaitApiReadyAsync(string address, TimeSpan timeout, CancellationToken cancellationToken)
    {
        string? problem = null;
        var ready = await Waiter.UntilAsync(async () =>
        {
            problem = await Api.ReadyProblemAsync(address, State.ApiPort, cancellationToken).ConfigureAwait(false);
            return problem is null;
        }, timeout, cancellationToken).ConfigureAwait(false);
        return ready ? null : problem;
    }

    /// <summary>
    /// When <paramref name="replica"/> holds etcd leadership, hands it to the healthy voter that is
    /// furthest ahead, so that stopping or removing the replica costs no election.
    /// </summary>
    public async Task MoveLeadershipAwayAsync(ClusterHealth health, ReplicaRecord replica, CancellationToken cancellationToken)
    {
        if (health.Find(replica.Name)?.EtcdRole != EtcdRole.Leader) return;
        var successor = health.Replicas
            .Where(r => r.Healthy && r.IsVoter && r.Replica.Name != replica.Name)
            .OrderByDescending(r => r.EtcdStatus?.RaftIndex ?? 0)
            .FirstOrDefault();
        if (successor?.MemberId is not { } successorId) return;
        await Etcd.MoveLeaderAsync(replica.ClientUrl, successorId, cancellationToken).ConfigureAwait(false);
        Observer.Verbose($"etcd leadership moved from {replica.Name} to {successor.Replica.Name}.");
    }

    /// <summary>
    /// Waits until the load balancer's own health check sends traffic to <paramref name="replica"/>
    /// (at once when there is no load balancer). False when it did not within <paramref name="timeout"/>.
    /// </summary>
    public Task<bool> WaitServedAsync(ReplicaRecord replica, TimeSpan timeout, CancellationToken cancellationToken) =>
        Waiter.UntilAsync(async () =>
        {
            var loadBalancer = await Provider.InspectLoadBalancerAsync(State, cancellationToken).ConfigureAwait(false);
            return loadBalancer is null || loadBalancer.Backends.Any(b => b.Replica == replica.Name && b.Healthy);
        }, timeout, cancellationToken);

    /// <summary>The client URL of a voter that answers, preferring the leader, never <paramref name="except"/>.</summary>
    public static string VoterEndpoint(ClusterHealth health, string? except = null)
    {
        var candidates = health.Replicas
            .Where(r => r.IsVoter && r.EtcdStatus is not null && r.Replica.Name != except)
            .OrderByDescending(r => r.EtcdRole == EtcdRole.Leader)
            .ToList();
        if (candidates.Count == 0)
            throw new HaException(ErrorIds.ClusterUnhealthy,
                $"No etcd voter of cluster '{health.State.Name}' answers{(except is null ? "" : $" besides '{except}'")}.",
                $"Start the stopped replicas: Get-MasterReplica -Cluster {health.State.Name} | Start-MasterReplica.", health.State.Name);
        return candidates[0].Replica.ClientUrl;
    }

    public void Dispose()
    {
        _etcd?.Dispose();
        _api?.Dispose();
    }
}
