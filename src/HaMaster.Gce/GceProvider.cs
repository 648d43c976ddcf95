using HaMaster.Engine;
using HaMaster.Engine.Etcd;
using HaMaster.Engine.Model;
using HaMaster.Engine.Pki;
using HaMaster.Engine.Providers;
using HaMaster.Engine.State;
using HaMaster.Gce.Bootstrap;
using HaMaster.Gce.Compute;
using HaMaster.Gce.Ssh;
using LoadBalancerView = HaMaster.LoadBalancer;

namespace HaMaster.Gce;

/// <summary>
/// Replicas as Compute Engine VMs, with kube-up's resource names (docs/design.md §6). A facade: each call reads
/// the cluster's settings once (<see cref="GceClusterSettings"/>) and hands the work to the part that
/// knows it: the cluster address and firewalls (<see cref="GceClusterAddress"/>), replica VMs
/// (<see cref="GceReplicaVms"/>), the frontend (<see cref="GceFrontend"/>), etcd access
/// (<see cref="GceEtcdAccess"/>) and the module's key files (<see cref="GceKeyFiles"/>). Failures are
/// reported as <see cref="GceErrors"/> say. What it learns about a replica (its external address, a
/// pinned SSH host key) it reports as a <see cref="ReplicaObservation"/>; the engine records it.
/// </summary>
public sealed class GceProvider : IReplicaProvider, IDisposable
{
    private readonly GceProviderOptions _options;
    private readonly GceComputeConnection _compute;
    private readonly GceKeyFiles _keys;
    private readonly GceEtcdAccess _etcd;

    /// <summary>A provider on <paramref name="compute"/> (tests give one pointed at a stand-in); the caller disposes it.</summary>
    public GceProvider(StateDirectory directory, ComputeService compute, GceProviderOptions? options = null)
        : this(directory, _ => Task.FromResult(compute), options)
    {
        ArgumentNullException.ThrowIfNull(compute);
    }

    /// <summary>
    /// A provider that makes its <see cref="ComputeService"/> on first use with <paramref name="computeFactory"/>
    /// (null: <see cref="ComputeService.CreateAsync"/>, Application Default Credentials).
    /// </summary>
    public GceProvider(StateDirectory directory, Func<CancellationToken, Task<ComputeService>>? computeFactory = null, GceProviderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(directory);
        _options = options ?? new GceProviderOptions();
        _compute = new GceComputeConnection(computeFactory);
        _keys = new GceKeyFiles(directory);
        _etcd = new GceEtcdAccess(_compute, _keys, _options);
    }

    public ProviderKind Kind => ProviderKind.Gce;

    public int ApiPort => KubeApiServerCommandLine.SecurePort;

    public GceProviderOptions Options => _options;

    /// <summary>
    /// Checks the options only: no network call, and no project check, since the request may name the
    /// project (a missing one is reported when it is needed, with what to set).
    /// </summary>
    public void CheckPrerequisites() => _options.Check();

    /// <summary>The zone of gcloud's settings (<c>CLOUDSDK_COMPUTE_ZONE</c>, <c>gcloud config set compute/zone</c>).</summary>
    public string DefaultZone => GceDefaults.Zone();

    /// <summary>The zones of <paramref name="clusterZone"/>'s region, or every zone of the project for a new cluster.</summary>
    public async Task<IReadOnlyList<string>> ZonesAsync(string? project, string? clusterZone, CancellationToken cancellationToken)
    {
        var resolvedProject = GceDefaults.Project(project, _options);
        var compute = await _compute.GetAsync(cancellationToken).ConfigureAwait(false);
        return await GceZones.ListAsync(compute, resolvedProject, clusterZone, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The cluster's settings, as recorded at its creation (with the fallbacks for older states).</summary>
    public GceClusterSettings Settings(ClusterState cluster) => GceClusterSettings.Of(cluster, _options);

    // ----- cluster address ------------------------------------------------------------------------

    /// <summary>Records the new cluster's settings in <paramref name="providerData"/>, then reserves its address and firewalls.</summary>
    public async Task<string> ReserveClusterAddressAsync(NewClusterRequest request, IDictionary<string, string> providerData, CancellationToken cancellationToken)
    {
        var settings = GceClusterSettings.ForNewCluster(request, _options);
        settings.WriteTo(providerData);
        var compute = await _compute.GetAsync(cancellationToken).ConfigureAwait(false);
        return await new GceClusterAddress(compute, settings, request.Name).ReserveAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task ReleaseClusterAddressAsync(ClusterState cluster, CancellationToken cancellationToken)
    {
        var settings = Settings(cluster);
        var compute = await _compute.GetAsync(cancellationToken).ConfigureAwait(false);
        await new GceClusterAddress(compute, settings, cluster.Name).ReleaseAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The highest free address of the cluster's subnet range, skipping its replicas' (see <see cref="GceSubnet"/>).</summary>
    public string AllocateReplicaAddress(ClusterState cluster)
    {
        var range = Settings(cluster).SubnetRange ?? throw GceErrors.NoSubnetRangeRecorded(cluster.Name);
        return GceSubnet.Allocate(range, cluster.Replicas.Select(r => r.InternalAddress)) ?? throw GceErrors.NoFreeReplicaAddress(cluster.Name, range);
    }

    // ----- replicas -------------------------------------------------------------------------------

    /// <summary>Creates or starts the replica's VM and returns once it is RUNNING, with the external address it has.</summary>
    public async Task<ReplicaObservation?> StartReplicaAsync(ClusterState cluster, ReplicaRecord replica, EtcdBootstrap bootstrap, ReplicaCertificateFiles certificates, CancellationToken cancellationToken)
    {
        var settings = Settings(cluster);
        var compute = await _compute.GetAsync(cancellationToken).ConfigureAwait(false);
        var metadata = GceReplicaInstance.Metadata(cluster, replica, bootstrap, certificates, settings, _keys, _options.SshUser);
        var running = await new GceReplicaVms(compute, settings, _options).StartAsync(cluster, replica, metadata, cancellationToken).ConfigureAwait(false);
        return ReplicaObservation.OfExternalAddress(replica.Name, GceReplicaInstance.ExternalAddress(running));
    }

    /// <summary>Stops the VM; <paramref name="graceful"/> makes no difference (Compute Engine has no hard kill).</summary>
    public async Task StopReplicaAsync(ClusterState cluster, ReplicaRecord replica, bool graceful, CancellationToken cancellationToken) =>
        await (await VmsAsync(cluster, cancellationToken).ConfigureAwait(false)).StopAsync(replica, cancellationToken).ConfigureAwait(false);

    public async Task DeleteReplicaAsync(ClusterState cluster, ReplicaRecord replica, CancellationToken cancellationToken) =>
        await (await VmsAsync(cluster, cancellationToken).ConfigureAwait(false)).DeleteAsync(replica, cancellationToken).ConfigureAwait(false);

    /// <summary>Nothing: without the state, the cluster's project and region are unknown (its VMs carry the label cluster=NAME).</summary>
    public Task<IReadOnlyList<string>> RemoveLeftoversAsync(string cluster, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>>([]);

    public IReadOnlyDictionary<string, string> PlanSettingsChange(ClusterState cluster, ReplicaSettingsChange change, bool force) =>
        GceClusterSettings.Of(cluster, _options).Change(change, force);

    /// <summary>Nothing to check here: the VM restores with the etcd release it runs.</summary>
    public void CheckCanRestore()
    {
    }

    public bool RestartsInSeconds => false;

    /// <summary>Boots the VM with the restore in its startup script and uploads the snapshot to it (<see cref="GceSnapshotRestore"/>).</summary>
    public async Task RestoreEtcdDataAsync(ClusterState cluster, ReplicaRecord replica, string snapshotFile, EtcdBootstrap bootstrap, ReplicaCertificateFiles certificates, CancellationToken cancellationToken)
    {
        var settings = Settings(cluster);
        var vms = new GceReplicaVms(await _compute.GetAsync(cancellationToken).ConfigureAwait(false), settings, _options);
        await new GceSnapshotRestore(vms, _etcd, _options).RunAsync(cluster, settings, replica, snapshotFile,
            restore => GceReplicaInstance.Metadata(cluster, replica, bootstrap, certificates, settings, _keys, _options.SshUser, restore),
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>What the VM's status means (<see cref="GceInstanceStatus.Runtime"/>); with <see cref="GceAccess.External"/>, the API at the VM's external address.</summary>
    public async Task<ReplicaRuntime> InspectAsync(ClusterState cluster, ReplicaRecord replica, CancellationToken cancellationToken)
    {
        var settings = Settings(cluster);
        var compute = await _compute.GetAsync(cancellationToken).ConfigureAwait(false);
        var instance = await new GceReplicaVms(compute, settings, _options).ReadAsync(replica, cancellationToken).ConfigureAwait(false);
        var runtime = GceInstanceStatus.Runtime(replica, instance);
        return settings.Access == GceAccess.External && instance is not null && GceReplicaInstance.ExternalAddress(instance) is { } external
            ? runtime with { ApiAddress = external }
            : runtime;
    }

    // ----- frontend -------------------------------------------------------------------------------

    public async Task ReconcileFrontendAsync(ClusterState cluster, string clusterCaFile, CancellationToken cancellationToken)
    {
        var active = cluster.ActiveReplicas.Select(Master).ToList();
        if (active.Count == 0) return;
        await (await FrontendAsync(cluster, cancellationToken).ConfigureAwait(false)).ReconcileAsync(active, cluster.Address, cancellationToken).ConfigureAwait(false);
    }

    public async Task DrainAsync(ClusterState cluster, ReplicaRecord replica, CancellationToken cancellationToken) =>
        await (await FrontendAsync(cluster, cancellationToken).ConfigureAwait(false)).DrainAsync(Master(replica), cancellationToken).ConfigureAwait(false);

    /// <summary>The load balancer in front of the active replicas; null with fewer than two.</summary>
    public async Task<LoadBalancerView?> InspectLoadBalancerAsync(ClusterState cluster, CancellationToken cancellationToken)
    {
        var active = cluster.ActiveReplicas.ToList();
        if (active.Count < 2) return null;
        return await (await FrontendAsync(cluster, cancellationToken).ConfigureAwait(false)).InspectAsync(active, cluster.Address, cancellationToken).ConfigureAwait(false);
    }

    // ----- etcd, keys -----------------------------------------------------------------------------

    /// <summary>A gateway to the replicas' etcd members, direct or through SSH tunnels (<see cref="GceEtcdAccess"/>).</summary>
    public IEtcdGateway OpenEtcd(ClusterState cluster, EtcdCredentials credentials, Action<ReplicaObservation> observed) =>
        _etcd.Open(cluster, Settings(cluster), credentials,
            (replica, hostKey) => observed(ReplicaObservation.OfProviderData(replica.Name, GceEtcdAccess.SshHostKeyKey, hostKey)));

    /// <inheritdoc cref="GceKeyFiles.Folder"/>
    public string GceDirectory(string cluster) => _keys.Folder(cluster);

    /// <inheritdoc cref="GceKeyFiles.SshKey"/>
    public SshKeyPair SshKey(string cluster) => _keys.SshKey(cluster);

    /// <inheritdoc cref="GceKeyFiles.ServiceAccountKey"/>
    public string ServiceAccountKey(string cluster) => _keys.ServiceAccountKey(cluster);

    // ----- helpers --------------------------------------------------------------------------------

    private static MasterInstance Master(ReplicaRecord replica) => new(replica.Name, replica.Zone);

    private async Task<GceReplicaVms> VmsAsync(ClusterState cluster, CancellationToken cancellationToken)
    {
        var settings = Settings(cluster);
        return new GceReplicaVms(await _compute.GetAsync(cancellationToken).ConfigureAwait(false), settings, _options);
    }

    private async Task<GceFrontend> FrontendAsync(ClusterState cluster, CancellationToken cancellationToken)
    {
        var settings = Settings(cluster);
        return new GceFrontend(await _compute.GetAsync(cancellationToken).ConfigureAwait(false), settings.Location, cluster.Name);
    }

    /// <summary>Disposes the <see cref="ComputeService"/> this provider made itself (never one given to it).</summary>
    public void Dispose() => _compute.Dispose();
}
