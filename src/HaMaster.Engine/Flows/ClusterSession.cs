using System.Net;
using System.Security.Cryptography.X509Certificates;
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
    private readonly Func<X509Certificate2, TimeSpan, IApiProbe> _openApiProbe;
    private IApiProbe? _api;

    public ClusterSession(ClusterState state, ClusterStore store, IReplicaProvider provider, IOperationObserver observer, ProgressActivity progress, EngineOptions options,
        Func<X509Certificate2, TimeSpan, IApiProbe>? openApiProbe = null)
    {
        _openApiProbe = openApiProbe ?? ((clusterCa, timeout) => new ApiProbe(clusterCa, timeout));
        Options = options;
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
    public EngineOptions Options { get; }
    public string Name => State.Name;

    public IEtcdGateway Etcd => _etcd ??= Provider.OpenEtcd(State, Pki.LoadEtcdCredentials(), Record);

    /// <summary>Issues <paramref name="replica"/>'s API and etcd certificates, with new keys, valid for the cluster's certificate validity.</summary>
    public void IssueCertificates(ReplicaRecord replica) =>
        Pki.IssueReplica(replica.Name, IPAddress.Parse(replica.InternalAddress), IPAddress.Parse(State.Address), DateTimeOffset.UtcNow, State.CertificateValidity);

    /// <summary>Makes the next etcd call load the module's client certificate again (after it was renewed).</summary>
    public void ReopenEtcd()
    {
        _etcd?.Dispose();
        _etcd = null;
    }
    public IApiProbe Api => _api ??= _openApiProbe(Pki.LoadClusterCa(), Options.ProbeTimeout);

    public void Save()
    {
        lock (State) Store.Save(State);
    }

    /// <summary>
    /// Keeps what the provider observed about a replica in its record (saved with the next change);
    /// a replica the state no longer has is ignored.
    /// </summary>
    public void Record(ReplicaObservation observation)
    {
        lock (State) State.FindReplica(observation.Replica)?.Apply(observation);
    }

    /// <summary>Starts (or restarts) a replica through the provider and records what it observed.</summary>
    public async Task StartReplicaAsync(ReplicaRecord replica, EtcdBootstrap bootstrap, CancellationToken cancellationToken)
    {
        var observation = await Provider.StartReplicaAsync(State, replica, bootstrap, Pki.FilesFor(replica.Name), cancellationToken).ConfigureAwait(false);
        if (observation is not null) Record(observation);
    }

    /// <summary>Stops a replica without grace and starts it again: for a member that answers nothing (a restart costs it no data).</summary>
    public async Task RestartReplicaAsync(ReplicaRecord replica, EtcdBootstrap bootstrap, CancellationToken cancellationToken)
    {
        await Provider.StopReplicaAsync(State, replica, graceful: false, cancellationToken).ConfigureAwait(false);
        await StartReplicaAsync(replica, bootstrap, cancellationToken).ConfigureAwait(false);
    }

    public void Reload() => State = Store.Load(State.Name);

    public async Task<ClusterHealth> InspectAsync(CancellationToken cancellationToken)
    {
        var health = await new ClusterInspector(Provider, Etcd, Api).InspectAsync(State, cancellationToken).ConfigureAwait(false);
        return health with { Certificates = CertificateInventory.Read(State, Pki, DateTimeOffset.UtcNow) };
    }

    /// <summary>Safety rule 3: the health every change is decided on.</summary>
    public Task<ClusterHealth> HealthGateAsync(CancellationToken cancellationToken)
    {
        Progress.Report("Checking health and quorum", 10);
        return InspectSettledAsync(cancellationToken);
    }

    /// <summary>
    /// A snapshot to base a safety decision on: when a replica whose processes run looks unhealthy, or
    /// the cluster has no leader while a quorum runs (an election), look again a few times, so that one
    /// slow probe on a loaded machine or an election does not refuse a change. A replica that is
    /// really down stays unhealthy in every look.
    /// </summary>
    public async Task<ClusterHealth> InspectSettledAsync(CancellationToken cancellationToken)
    {
        var health = await InspectAsync(cancellationToken).ConfigureAwait(false);
        for (var look = 1; look < Options.SettleLooks && MayStillSettle(health); look++)
        {
            await Task.Delay(Options.SettleInterval, cancellationToken).ConfigureAwait(false);
            health = await InspectAsync(cancellationToken).ConfigureAwait(false);
        }
        return health;
    }

    /// <summary>
    /// Whether another look may show a better cluster: an election, or a running replica that looks
    /// unhealthy, while enough voters run for a quorum. Without that, nothing will settle: a cluster
    /// that lost its quorum is refused at once rather than after every look timed out.
    /// </summary>
    private static bool MayStillSettle(ClusterHealth health) =>
        health.Replicas.Count(r => r.IsVoter && r.Status == ReplicaStatus.Running) >= Quorum.Of(health.Voters)
        && (health.MaySettle || health.Replicas.Any(r => !r.Healthy && r.Status == ReplicaStatus.Running));

    /// <summary>
    /// The client URL of an etcd voter that answers (the leader if it does), never <paramref name="except"/>,
    /// looking again until <see cref="EngineOptions.VoterPatience"/> has passed: the first call to a
    /// member (a new TLS channel, on Gce a new SSH tunnel) may outlast one request's deadline on a
    /// busy machine or a slow link, and a slow voter is not a lost one. It stops waiting as soon as no
    /// other voter's machinery runs.
    /// </summary>
    public async Task<string> AnsweringVoterAsync(string? except, CancellationToken cancellationToken)
    {
        ClusterHealth? health = null;
        string? endpoint = null;
        await Waiter.UntilAsync(async () =>
        {
            health = await InspectAsync(cancellationToken).ConfigureAwait(false);
            endpoint = AnsweringVoter(health, except);
            return endpoint is not null || !health.Replicas.Any(r => r.IsVoter && r.Replica.Name != except && r.Status == ReplicaStatus.Running);
        }, Options.VoterPatience, cancellationToken, Options.SettleInterval).ConfigureAwait(false);
        return endpoint ?? throw NoVoterAnswers(health!, except);
    }

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
            problem = await Api.ReadyProblemAsync(address, address, State.ApiPort, cancellationToken).ConfigureAwait(false);
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
    /// Waits (up to the ready timeout) until <paramref name="replica"/> is a healthy voter, its API ready,
    /// in a cluster with a leader and quorum reads. False when it did not.
    /// </summary>
    public Task<bool> WaitHealthyAsync(ReplicaRecord replica, CancellationToken cancellationToken) =>
        Waiter.UntilAsync(async () =>
        {
            var health = await InspectAsync(cancellationToken).ConfigureAwait(false);
            return health.Find(replica.Name)!.Healthy && health.LeaderId is not null && health.QuorumReadSucceeded;
        }, Options.ReadyTimeout, cancellationToken);

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
    public static string VoterEndpoint(ClusterHealth health, string? except = null) =>
        AnsweringVoter(health, except) ?? throw NoVoterAnswers(health, except);

    private static string? AnsweringVoter(ClusterHealth health, string? except) => health.Replicas
        .Where(r => r.IsVoter && r.EtcdStatus is not null && r.Replica.Name != except)
        .OrderByDescending(r => r.EtcdRole == EtcdRole.Leader)
        .FirstOrDefault()?.Replica.ClientUrl;

    private static HaException NoVoterAnswers(ClusterHealth health, string? except) => new(ErrorIds.ClusterUnhealthy,
        $"No etcd voter of cluster '{health.State.Name}' answers{(except is null ? "" : $" besides '{except}'")}.",
        Safety.SafetyRules.QuorumRecoveryAction(health.State.Name, health.Voters, health.Replicas.Count(r => r.IsVoter && r.Status != ReplicaStatus.Missing)), health.State.Name);

    public void Dispose()
    {
        _etcd?.Dispose();
        _api?.Dispose();
    }
}
