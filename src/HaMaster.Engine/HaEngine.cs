using System.Security.Cryptography.X509Certificates;
using HaMaster.Engine.Backups;
using HaMaster.Engine.Errors;
using HaMaster.Engine.Flows;
using HaMaster.Engine.Health;
using HaMaster.Engine.Model;
using HaMaster.Engine.Providers;
using HaMaster.Engine.Safety;
using HaMaster.Engine.State;
using HaMaster.Engine.Views;

namespace HaMaster.Engine;

/// <summary>
/// The engine's entry point: one method per user operation. Every change takes the cluster lock,
/// resolves an interrupted change first, checks the safety rules, then runs its flow.
/// </summary>
public sealed partial class HaEngine
{
    private readonly ClusterStore _store;
    private readonly Func<ProviderKind, IReplicaProvider> _providers;
    private readonly IOperationObserver _observer;
    private readonly EngineOptions _options;
    private readonly Func<X509Certificate2, TimeSpan, IApiProbe>? _openApiProbe;

    /// <param name="openApiProbe">How API servers are asked whether they are ready, given the cluster CA (by default over HTTPS).</param>
    public HaEngine(StateDirectory directory, Func<ProviderKind, IReplicaProvider> providers, IOperationObserver observer,
        EngineOptions? options = null, Func<X509Certificate2, TimeSpan, IApiProbe>? openApiProbe = null)
    {
        _store = new ClusterStore(directory);
        _providers = providers;
        _observer = observer;
        _options = options ?? EngineOptions.Default;
        _openApiProbe = openApiProbe;
    }

    public IReadOnlyList<string> ClusterNames() => _store.ListClusterNames();

    public ClusterState LoadCluster(string cluster) => _store.Load(cluster);

    /// <summary>The state of a cluster to show; a cluster whose New-HaCluster has not finished has nothing to show yet.</summary>
    private ClusterState LoadCreated(string cluster)
    {
        var state = _store.Load(cluster);
        if (state.Pending is { Kind: OperationKind.CreateCluster } create) throw HaErrors.ClusterIncomplete(cluster, create.Step);
        return state;
    }

    /// <summary>What -WhatIf of a removal or repair can tell without asking the cluster: rule 10, the last replica.</summary>
    public void CheckNotLastReplica(string cluster, string replica, bool forRepair) =>
        SafetyRules.CheckNotLastReplica(cluster, _store.Load(cluster).Replicas.Count, replica, forRepair);

    public async Task<HaCluster> GetClusterAsync(string cluster, CancellationToken cancellationToken)
    {
        using var session = Open(LoadCreated(cluster));
        return ViewMapper.ToCluster(await session.InspectAsync(cancellationToken).ConfigureAwait(false));
    }

    public async Task<IReadOnlyList<MasterReplica>> GetReplicasAsync(string cluster, CancellationToken cancellationToken)
    {
        using var session = Open(LoadCreated(cluster));
        return ViewMapper.ToReplicas(await session.InspectAsync(cancellationToken).ConfigureAwait(false));
    }

    public async Task<IReadOnlyList<EtcdMember>> GetEtcdMembersAsync(string cluster, CancellationToken cancellationToken)
    {
        using var session = Open(LoadCreated(cluster));
        return ViewMapper.ToEtcdMembers(await session.InspectAsync(cancellationToken).ConfigureAwait(false));
    }

    /// <summary>The zone a replica would be added to: the named one (validated), else the allowed zone with the fewest replicas.</summary>
    public async Task<string> ResolveZoneAsync(ClusterState state, string? zone, CancellationToken cancellationToken)
    {
        var zones = await _providers(state.Provider).ZonesAsync(state.Project, state.Zone, cancellationToken).ConfigureAwait(false);
        if (zone is not null)
        {
            if (!zones.Contains(zone)) throw UnknownZone(state, zone, zones);
            if (!state.MultiZone && zone != state.Zone)
                throw new HaException(ErrorIds.ZoneRequiresMultiZone,
                    $"Cluster '{state.Name}' was created without -MultiZone, so its replicas stay in zone '{state.Zone}'; '{zone}' was asked for.",
                    $"Omit -Zone (or use -Zone {state.Zone}), or create the cluster with New-HaCluster -MultiZone.", zone);
            return zone;
        }
        if (!state.MultiZone) return state.Zone;
        return zones.OrderBy(z => state.Replicas.Count(r => r.Zone == z)).ThenBy(z => zones.ToList().IndexOf(z)).First();
    }

    /// <summary>Refuses a request for <paramref name="count"/> replicas that would pass the limit, before any is added.</summary>
    public void CheckRoomFor(string cluster, int count) =>
        SafetyRules.CheckRoomFor(cluster, _store.Load(cluster).Replicas.Count, count);

    public Task<MasterReplica> AddReplicaAsync(string cluster, string? zone, CancellationToken cancellationToken) =>
        ChangeAsync(cluster, "Add-MasterReplica", async session =>
        {
            var resolvedZone = await ResolveZoneAsync(session.State, zone, cancellationToken).ConfigureAwait(false);
            var health = await session.HealthGateAsync(cancellationToken).ConfigureAwait(false);
            SafetyRules.CheckAdd(MembershipView.From(health));
            await new BackupFlow(session, health, BackupReason.BeforeAdd, beforeCommand: "Add-MasterReplica").TakeAsync(cancellationToken).ConfigureAwait(false);
            var flow = new AddReplicaFlow(session, health, resolvedZone);
            await flow.RunAsync(cancellationToken).ConfigureAwait(false);
            WarnIfEven(session);
            return await ReplicaViewAsync(session, flow.Replica.Name, cancellationToken).ConfigureAwait(false);
        }, cancellationToken);

    public Task RemoveReplicaAsync(string cluster, string replica, bool force, CancellationToken cancellationToken) =>
        ChangeAsync(cluster, "Remove-MasterReplica", async session =>
        {
            var record = session.RequireReplica(replica);
            var health = await session.HealthGateAsync(cancellationToken).ConfigureAwait(false);
            SafetyRules.CheckRemove(MembershipView.From(health), record.Name, force);
            await new BackupFlow(session, health, BackupReason.BeforeRemove, beforeCommand: "Remove-MasterReplica").TakeAsync(cancellationToken).ConfigureAwait(false);
            await new RemoveReplicaFlow(session, health, record, force).RunAsync(cancellationToken).ConfigureAwait(false);
            WarnIfEven(session);
            return true;
        }, cancellationToken);

    /// <summary>Replace = remove the replica first, then add a new one in the same zone (etcd's guidance).</summary>
    public Task<MasterReplica> RepairReplicaAsync(string cluster, string replica, bool force, CancellationToken cancellationToken) =>
        ChangeAsync(cluster, "Repair-MasterReplica", async session =>
        {
            var record = session.RequireReplica(replica);
            var health = await session.HealthGateAsync(cancellationToken).ConfigureAwait(false);
            SafetyRules.CheckRemove(MembershipView.From(health), record.Name, force, forRepair: true);
            await new BackupFlow(session, health, BackupReason.BeforeRepair, beforeCommand: "Repair-MasterReplica").TakeAsync(cancellationToken).ConfigureAwait(false);
            var flow = new RepairReplicaFlow(session, record, force);
            await flow.RunAsync(cancellationToken).ConfigureAwait(false);
            WarnIfEven(session);
            return await ReplicaViewAsync(session, flow.Replacement!.Name, cancellationToken).ConfigureAwait(false);
        }, cancellationToken);

    public Task<MasterReplica> StopReplicaAsync(string cluster, string replica, bool graceful, bool force, CancellationToken cancellationToken) =>
        ChangeAsync(cluster, "Stop-MasterReplica", async session =>
        {
            var record = session.RequireReplica(replica);
            var health = await session.HealthGateAsync(cancellationToken).ConfigureAwait(false);
            SafetyRules.CheckStop(MembershipView.From(health), record.Name, force);
            await new StopReplicaFlow(session, health, record, graceful).RunAsync(cancellationToken).ConfigureAwait(false);
            return await ReplicaViewAsync(session, record.Name, cancellationToken).ConfigureAwait(false);
        }, cancellationToken);

    public Task<MasterReplica> StartReplicaAsync(string cluster, string replica, CancellationToken cancellationToken) =>
        ChangeAsync(cluster, "Start-MasterReplica", async session =>
        {
            var record = session.RequireReplica(replica);
            await new StartReplicaFlow(session, record).RunAsync(cancellationToken).ConfigureAwait(false);
            return await ReplicaViewAsync(session, record.Name, cancellationToken).ConfigureAwait(false);
        }, cancellationToken);

    private void WarnIfEven(ClusterSession session)
    {
        if (SafetyRules.EvenCountWarning(session.Name, session.State.Replicas.Count) is { } warning) _observer.Warning(warning);
    }

    /// <summary>
    /// The replica as the command leaves it, from a settled look: one slow probe on a loaded machine
    /// must not show a replica the flow has just seen ready as unhealthy.
    /// </summary>
    private static async Task<MasterReplica> ReplicaViewAsync(ClusterSession session, string replica, CancellationToken cancellationToken)
    {
        var health = await session.InspectSettledAsync(cancellationToken).ConfigureAwait(false);
        return ViewMapper.ToReplica(session.State, health.Find(replica)!);
    }

    private async Task<T> ChangeAsync<T>(string cluster, string purpose, Func<ClusterSession, Task<T>> change, CancellationToken cancellationToken)
    {
        if (!_store.Exists(cluster)) _store.Load(cluster); // throws the right error (not found or corrupt) before any lock file is made
        bool exists;
        T result = default!;
        using var progress = new ProgressActivity(_observer, $"{purpose} {cluster}");
        progress.Report(WaitingForLock, 0);
        using var clusterLock = await LockAsync(cluster, purpose, cancellationToken).ConfigureAwait(false);
        using (var session = Open(_store.Load(cluster), progress))
        {
            progress.Report("Looking for an interrupted change", 5);
            exists = await Recovery.ResolvePendingAsync(session, cancellationToken).ConfigureAwait(false);
            if (exists) result = await change(session).ConfigureAwait(false);
        }
        if (exists) return result;
        ReleaseAndDeleteLock(clusterLock, cluster);
        throw GoneWithItsInterruptedChange(cluster);
    }

    /// <summary>The cluster an interrupted create or removal left was removed while that change was resolved.</summary>
    private static HaException GoneWithItsInterruptedChange(string cluster) => new(ErrorIds.ClusterNotFound,
        $"Cluster '{cluster}' was being created or removed when that command was interrupted; what it had made has now been removed.",
        $"Run New-HaCluster -Name {cluster} to create it again.", cluster);

    private const string WaitingForLock = "Waiting for the cluster lock";

    /// <summary>Sessions of read-only operations report no progress.</summary>
    private ClusterSession Open(ClusterState state, ProgressActivity? progress = null) =>
        new(state, _store, _providers(state.Provider), _observer, progress ?? new ProgressActivity(_observer, $"Inspect {state.Name}"), _options, _openApiProbe);

    /// <summary>
    /// The cluster's lock. Unless the command creates the cluster, a cluster removed while the command
    /// waited is not found, and the lock file the wait may have made again is deleted.
    /// </summary>
    private async Task<ClusterLock> LockAsync(string cluster, string purpose, CancellationToken cancellationToken, bool mayCreate = false)
    {
        var clusterLock = await ClusterLock.AcquireAsync(_store.Directory.LockFile(cluster), cluster, purpose, _options.LockTimeout, _observer.Verbose, cancellationToken, mayCreate).ConfigureAwait(false);
        if (mayCreate || _store.Exists(cluster)) return clusterLock;
        ReleaseAndDeleteLock(clusterLock, cluster);
        throw ClusterStore.NotFound(cluster);
    }

    /// <summary>Once a cluster is gone: its lock file deleted before the lock is let go (see <see cref="ClusterLock.ReleaseAndDelete"/>), then the folders left empty.</summary>
    private void ReleaseAndDeleteLock(ClusterLock clusterLock, string cluster)
    {
        clusterLock.ReleaseAndDelete();
        var folder = _store.Directory.ClusterDirectory(cluster);
        if (Directory.Exists(folder) && !Directory.EnumerateFileSystemEntries(folder).Any()) Directory.Delete(folder);
        if (Directory.Exists(_store.Directory.ClustersRoot) && !Directory.EnumerateFileSystemEntries(_store.Directory.ClustersRoot).Any())
            Directory.Delete(_store.Directory.ClustersRoot);
    }

    private static HaException UnknownZone(ClusterState state, string zone, IReadOnlyList<string> zones) => new(
        ErrorIds.UnknownZone,
        $"'{zone}' is not a zone of the {state.Provider} provider for cluster '{state.Name}'.",
        $"Use one of: {string.Join(", ", zones)}.", zone);
}
