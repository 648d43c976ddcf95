using HaMaster.Engine.Etcd;
using HaMaster.Engine.Flows;
using HaMaster.Engine.Health;
using HaMaster.Engine.Model;
using HaMaster.Engine.Pki;
using HaMaster.Engine.Providers;
using HaMaster.Engine.State;
using Xunit;

namespace HaMaster.Engine.Tests.Flows;

/// <summary>The order of each flow's steps is the safety argument (docs/design.md §3): pin it.</summary>
public sealed class FlowPlanTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "hm-plan-" + Guid.NewGuid().ToString("N")[..8]);

    [Fact]
    public void Create_records_issues_certificates_starts_waits_then_serves_the_address_and_is_always_undone()
    {
        var flow = new CreateClusterFlow(Session(replicas: 0));
        Assert.Equal(["record", "certificates", "start", "wait-ready", "frontend"], flow.Steps.Select(s => s.Name));
        Assert.DoesNotContain(flow.Steps, s => s.PointOfNoReturn);
    }

    [Fact]
    public void Add_records_then_adds_the_learner_just_before_starting_it_and_joins_the_load_balancer_last()
    {
        var session = Session(replicas: 1);
        var flow = new AddReplicaFlow(session, Health(session), "local-a");
        Assert.Equal(["record", "certificates", "member-add", "start", "promote", "wait-ready", "load-balancer"], flow.Steps.Select(s => s.Name));
        Assert.Equal(ReplicaPhase.Joining, flow.Replica.Phase);
        Assert.Matches("^plan-master-[0-9a-f]{3}$", flow.Replica.Name);
        Assert.Equal("127.9.9.3", flow.Replica.InternalAddress);
        Assert.Equal("load-balancer", Assert.Single(flow.Steps, s => s.PointOfNoReturn).Name);
    }

    [Fact]
    public void Remove_drains_and_moves_leadership_then_rechecks_before_the_member_goes()
    {
        var session = Session(replicas: 3);
        var flow = new RemoveReplicaFlow(session, Health(session), session.State.Replicas[1], force: false);
        Assert.Equal(["record", "drain", "move-leader", "recheck", "member-remove", "delete"], flow.Steps.Select(s => s.Name));
        Assert.Equal("member-remove", Assert.Single(flow.Steps, s => s.PointOfNoReturn).Name);
    }

    [Fact]
    public void Repair_checks_and_backs_up_before_it_removes_then_adds()
    {
        var session = Session(replicas: 3);
        Assert.Equal(["check", "remove", "add"], new RepairReplicaFlow(session, session.State.Replicas[2], force: false).Steps.Select(s => s.Name));
    }

    [Fact]
    public void A_backup_counts_only_after_its_snapshot_is_checked_and_is_not_journaled()
    {
        var session = Session(replicas: 3);
        var flow = new BackupFlow(session, Health(session), HaMaster.Engine.Backups.BackupReason.Manual);
        Assert.Equal(["backup-folder", "backup-source", "backup-snapshot", "backup-record", "backup-retention"], flow.Steps.Select(s => s.Name));
        Assert.Null(flow.Journal);
    }

    [Fact]
    public void A_graceful_stop_drains_and_moves_leadership_first_and_a_kill_does_not()
    {
        var session = Session(replicas: 3);
        Assert.Equal(["drain", "move-leader", "stop"], new StopReplicaFlow(session, Health(session), session.State.Replicas[1], graceful: true).Steps.Select(s => s.Name));
        Assert.Equal(["stop"], new StopReplicaFlow(session, Health(session), session.State.Replicas[1], graceful: false).Steps.Select(s => s.Name));
    }

    [Fact]
    public void Start_refuses_lost_data_before_starting_and_joins_the_load_balancer_before_waiting() =>
        Assert.Equal(["check-data", "start", "load-balancer", "wait-ready"], new StartReplicaFlow(Session(replicas: 3), Session(replicas: 3).State.Replicas[1]).Steps.Select(s => s.Name));

    [Fact]
    public void A_restore_fences_everything_first_and_grows_back_last_and_never_goes_back_once_fenced()
    {
        var session = Session(replicas: 3);
        var plan = new RestorePlan { SnapshotPath = "/nowhere.db", Source = "backup b", Replica = "plan-master", AddBackZones = ["local-a", "local-a"], ClusterToken = "t" };
        var flow = new RestoreClusterFlow(session, plan);
        Assert.Equal(["fence", "restore-data", "remove-others", "start", "frontend", "add-back"], flow.Steps.Select(s => s.Name));
        Assert.Equal("fence", Assert.Single(flow.Steps, s => s.PointOfNoReturn).Name);
        Assert.Equal(OperationKind.RestoreCluster, flow.Journal);
        Assert.Same(plan, flow.RestorePlan);
    }

    [Fact]
    public void A_rollout_backs_up_first_and_never_goes_back_once_it_replaces_and_journals_what_it_replaces()
    {
        var session = Session(replicas: 3);
        var flow = new RolloutFlow(session, Health(session), new Dictionary<string, string>());
        Assert.Equal(["backup", "replace"], flow.Steps.Select(s => s.Name));
        Assert.Equal("replace", Assert.Single(flow.Steps, s => s.PointOfNoReturn).Name);
        Assert.Equal(OperationKind.Rollout, flow.Journal);
        Assert.Equal(session.State.Replicas.Select(r => r.Name), flow.Replacing);
        Assert.Null(flow.ProviderSettings);
    }

    [Fact]
    public void A_rollout_with_new_settings_records_them_after_the_backup_and_journals_them()
    {
        var session = Session(replicas: 3);
        var settings = new Dictionary<string, string> { ["kubernetesVersion"] = "v1.35.0" };
        var flow = new RolloutFlow(session, Health(session), settings);
        Assert.Equal(["backup", "settings", "replace"], flow.Steps.Select(s => s.Name));
        Assert.Equal(["settings", "replace"], flow.Steps.Where(s => s.PointOfNoReturn).Select(s => s.Name));
        Assert.Equal(settings, flow.ProviderSettings);
    }

    [Fact]
    public void A_defragmentation_drains_and_moves_leadership_before_the_member_blocks_and_is_served_again_last()
    {
        var session = Session(replicas: 3);
        var flow = new DefragmentMemberFlow(session, session.State.Replicas[0]);
        Assert.Equal(["drain", "move-leader", "defragment", "load-balancer", "wait-served"], flow.Steps.Select(s => s.Name));
        Assert.Equal("drain", Assert.Single(flow.Steps, s => s.PointOfNoReturn).Name);
        Assert.Equal(["compact", "defragment", "disarm"], new OptimizeClusterFlow(session, Health(session)).Steps.Select(s => s.Name));
        Assert.Null(new OptimizeClusterFlow(session, Health(session)).Journal);
    }

    private ClusterSession Session(int replicas)
    {
        var state = new ClusterState { Name = "plan", Zone = "local-a", Address = "127.9.9.1", CreatedAt = DateTimeOffset.UtcNow };
        for (var i = 0; i < replicas; i++)
            state.Replicas.Add(new ReplicaRecord { Name = i == 0 ? "plan-master" : $"plan-master-00{i}", Zone = "local-a", InternalAddress = $"127.9.9.{i + 2}", Phase = ReplicaPhase.Active });
        return new ClusterSession(state, new ClusterStore(new StateDirectory(_root)), new PlanOnlyProvider(), NullObserver.Instance, new ProgressActivity(NullObserver.Instance, "plan"), EngineOptions.Default);
    }

    private static ClusterHealth Health(ClusterSession session) =>
        new(session.State, session.State.Replicas.Select(r => new ReplicaHealth(r, ReplicaStatus.Running, EtcdRole.Follower, 1, null, true, true, [])).ToList(), [], 1, true, null);

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    /// <summary>Plans are built without touching a provider beyond address allocation.</summary>
    private sealed class PlanOnlyProvider : IReplicaProvider
    {
        public ProviderKind Kind => ProviderKind.Local;
        public string DefaultZone => "local-a";
        public int ApiPort => 6443;
        public void CheckPrerequisites() { }
        public Task<IReadOnlyList<string>> ZonesAsync(string? project, string? clusterZone, CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<string>>(["local-a"]);
        public string AllocateReplicaAddress(ClusterState cluster) => $"127.9.9.{cluster.Replicas.Count + 2}";
        public Task<string> ReserveClusterAddressAsync(NewClusterRequest request, IDictionary<string, string> providerData, CancellationToken cancellationToken) => throw Unused();
        public Task ReleaseClusterAddressAsync(ClusterState cluster, CancellationToken cancellationToken) => throw Unused();
        public Task<ReplicaObservation?> StartReplicaAsync(ClusterState cluster, ReplicaRecord replica, EtcdBootstrap bootstrap, ReplicaCertificateFiles certificates, CancellationToken cancellationToken) => throw Unused();
        public bool RestartsInSeconds => false;
        public Task StopReplicaAsync(ClusterState cluster, ReplicaRecord replica, bool graceful, CancellationToken cancellationToken) => throw Unused();
        public Task DeleteReplicaAsync(ClusterState cluster, ReplicaRecord replica, CancellationToken cancellationToken) => throw Unused();
        public IReadOnlyDictionary<string, string> PlanSettingsChange(ClusterState cluster, ReplicaSettingsChange change, bool force) => throw Unused();
        public Task<IReadOnlyList<string>> RemoveLeftoversAsync(string cluster, CancellationToken cancellationToken) => throw Unused();
        public void CheckCanRestore() => throw Unused();
        public Task RestoreEtcdDataAsync(ClusterState cluster, ReplicaRecord replica, string snapshotFile, EtcdBootstrap bootstrap, ReplicaCertificateFiles certificates, CancellationToken cancellationToken) => throw Unused();
        public Task<ReplicaRuntime> InspectAsync(ClusterState cluster, ReplicaRecord replica, CancellationToken cancellationToken) => throw Unused();
        public Task ReconcileFrontendAsync(ClusterState cluster, string clusterCaFile, CancellationToken cancellationToken) => throw Unused();
        public Task DrainAsync(ClusterState cluster, ReplicaRecord replica, CancellationToken cancellationToken) => throw Unused();
        public Task<HaMaster.LoadBalancer?> InspectLoadBalancerAsync(ClusterState cluster, CancellationToken cancellationToken) => throw Unused();
        public IEtcdGateway OpenEtcd(ClusterState cluster, EtcdCredentials credentials, Action<ReplicaObservation> observed) => throw Unused();
        private static NotSupportedException Unused() => new("Not part of planning.");
    }
}
