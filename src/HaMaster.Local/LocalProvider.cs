using System.Text.Json;
using HaMaster.Engine;
using HaMaster.Engine.Errors;
using HaMaster.Engine.Etcd;
using HaMaster.Engine.Model;
using HaMaster.Engine.Pki;
using HaMaster.Engine.Providers;
using HaMaster.Engine.State;
using HaMaster.Local.LoadBalancer;
using HaMaster.Local.Processes;
using LoadBalancerView = HaMaster.LoadBalancer;

namespace HaMaster.Local;

/// <summary>
/// Replicas as real processes on this machine: each replica an etcd member and an API endpoint on
/// its own loopback address; HAProxy on the cluster address once there are two replicas.
/// </summary>
public sealed class LocalProvider : IReplicaProvider
{
    public const string BlockKey = "loopbackBlock";
    public static readonly IReadOnlyList<string> LocalZones = ["local-a", "local-b", "local-c"];

    private readonly StateDirectory _directory;
    private LocalComponents? _components;

    public LocalProvider(StateDirectory directory) => _directory = directory;

    public static TimeSpan StartTimeout { get; set; } = TimeSpan.FromSeconds(30);

    public ProviderKind Kind => ProviderKind.Local;
    public string DefaultZone => LocalZones[0];

    private LocalComponents Components => _components ??= LocalComponents.Find();
    private HaproxyLoadBalancer Haproxy => new(Components.Haproxy);

    public void CheckPrerequisites() => _ = Components;

    public Task<IReadOnlyList<string>> ZonesAsync(string? project, string? clusterZone, CancellationToken cancellationToken) => Task.FromResult(LocalZones);

    public Task<string> ReserveClusterAddressAsync(NewClusterRequest request, IDictionary<string, string> providerData, CancellationToken cancellationToken)
    {
        var leftovers = DetachedProcess.FindByMarker(_directory.ClusterDirectory(request.Name) + Path.DirectorySeparatorChar);
        if (leftovers.Count > 0)
            throw new HaException(ErrorIds.ClusterExists,
                $"Processes of an earlier cluster named '{request.Name}' still run from its folder, though its state is gone (process ids {string.Join(", ", leftovers)}).",
                $"Remove what is left of it with Remove-HaCluster -Name {request.Name} -Force, then create the cluster again.", request.Name);
        var prefix = LoopbackBlocks.Reserve(_directory.StateFile(request.Name));
        providerData[BlockKey] = prefix;
        return Task.FromResult($"{prefix}.1");
    }

    public async Task ReleaseClusterAddressAsync(ClusterState cluster, CancellationToken cancellationToken)
    {
        await RemoveLoadBalancerAsync(cluster, cancellationToken).ConfigureAwait(false);
        if (cluster.ProviderData.TryGetValue(BlockKey, out var prefix))
            LoopbackBlocks.Release(prefix, _directory.StateFile(cluster.Name));
    }

    public string AllocateReplicaAddress(ClusterState cluster)
    {
        var prefix = cluster.ProviderData[BlockKey];
        var used = cluster.Replicas.Select(r => r.InternalAddress).ToHashSet();
        for (var host = 2; host < 255; host++)
        {
            var address = $"{prefix}.{host}";
            // Another program listening on one of a replica's ports would make its etcd or endpoint fail to start.
            if (!used.Contains(address) && !ListeningSockets.AnyOn(address, [Ports.EtcdClient, Ports.EtcdPeer, Ports.Api])) return address;
        }
        throw new HaException(ErrorIds.AddressUnavailable,
            $"Cluster '{cluster.Name}' has no free loopback address left.", "Remove replicas you do not need.", cluster.Name);
    }

    public async Task<ReplicaObservation?> StartReplicaAsync(ClusterState cluster, ReplicaRecord replica, EtcdBootstrap bootstrap, ReplicaCertificateFiles certificates, CancellationToken cancellationToken)
    {
        var layout = Layout(cluster, replica);
        Directory.CreateDirectory(layout.Directory);

        var etcd = StartedComponent.RunningOrStart(layout.EtcdMarker, () => DetachedProcess.Start(Components.Etcd, EtcdArguments(cluster, replica, bootstrap, certificates), layout.EtcdLog));

        WriteEndpointConfig(cluster, replica, certificates, layout);
        var endpoint = StartedComponent.RunningOrStart(layout.EndpointMarker, () =>
        {
            var (program, arguments) = EndpointLauncher.CommandFor(layout.EndpointConfig);
            return DetachedProcess.Start(program, arguments, layout.EndpointLog);
        });

        await WaitListeningAsync(replica, etcd, Ports.EtcdClient, layout.EtcdLog, "etcd", cancellationToken).ConfigureAwait(false);
        await WaitListeningAsync(replica, endpoint, Ports.Api, layout.EndpointLog, "API endpoint", cancellationToken).ConfigureAwait(false);
        return null;
    }

    /// <summary>The command line this provider runs a replica's etcd member with.</summary>
    public IReadOnlyList<string> EtcdArguments(ClusterState cluster, ReplicaRecord replica, EtcdBootstrap bootstrap, ReplicaCertificateFiles certificates)
    {
        var layout = Layout(cluster, replica);
        return EtcdCommandLine.Arguments(cluster, replica, bootstrap,
            new EtcdCommandLine.Paths(layout.EtcdData, certificates.EtcdCertificate, certificates.EtcdKey, certificates.EtcdCa));
    }

    public bool RestartsInSeconds => true;

    public async Task StopReplicaAsync(ClusterState cluster, ReplicaRecord replica, bool graceful, CancellationToken cancellationToken)
    {
        var layout = Layout(cluster, replica);
        await DetachedProcess.StopAllAsync(layout.EndpointMarker, graceful, TimeSpan.FromSeconds(10), cancellationToken).ConfigureAwait(false);
        await DetachedProcess.StopAllAsync(layout.EtcdMarker, graceful, TimeSpan.FromSeconds(15), cancellationToken).ConfigureAwait(false);
    }

    public async Task DeleteReplicaAsync(ClusterState cluster, ReplicaRecord replica, CancellationToken cancellationToken)
    {
        await StopReplicaAsync(cluster, replica, graceful: false, cancellationToken).ConfigureAwait(false);
        var layout = Layout(cluster, replica);
        if (Directory.Exists(layout.Directory)) Directory.Delete(layout.Directory, recursive: true);
        var replicasFolder = Path.GetDirectoryName(layout.Directory)!;
        if (Directory.Exists(replicasFolder) && !Directory.EnumerateFileSystemEntries(replicasFolder).Any()) Directory.Delete(replicasFolder);
    }

    /// <summary>
    /// Every process whose command line names a path in the cluster's folder (etcd members, API
    /// endpoints, HAProxy all do), stopped; every address block reserved for the cluster's state file, released.
    /// </summary>
    public async Task<IReadOnlyList<string>> RemoveLeftoversAsync(string cluster, CancellationToken cancellationToken)
    {
        var removed = new List<string>();
        var marker = _directory.ClusterDirectory(cluster) + Path.DirectorySeparatorChar;
        var processes = DetachedProcess.FindByMarker(marker);
        if (processes.Count > 0)
        {
            await DetachedProcess.StopAllAsync(marker, graceful: false, TimeSpan.FromSeconds(10), cancellationToken).ConfigureAwait(false);
            removed.Add($"{processes.Count} processes ({string.Join(", ", processes)})");
        }
        foreach (var prefix in LoopbackBlocks.ReleaseAllOf(_directory.StateFile(cluster)))
            removed.Add($"the address block {prefix}.0/24");
        return removed;
    }

    public IReadOnlyDictionary<string, string> PlanSettingsChange(ClusterState cluster, ReplicaSettingsChange change, bool force)
    {
        change.RefuseAll("a Local cluster runs the etcd and HAProxy installed on this machine");
        return new Dictionary<string, string>();
    }

    public void CheckCanRestore() => LocalComponents.FindEtcdctl();

    /// <summary>Restores with Debian's etcdctl (<see cref="EtcdSnapshotRestore"/>).</summary>
    public Task RestoreEtcdDataAsync(ClusterState cluster, ReplicaRecord replica, string snapshotFile, EtcdBootstrap bootstrap, ReplicaCertificateFiles certificates, CancellationToken cancellationToken) =>
        EtcdSnapshotRestore.RunAsync(cluster, replica, Layout(cluster, replica), snapshotFile, bootstrap, cancellationToken);

    public int ApiPort => Ports.Api;

    public Task<ReplicaRuntime> InspectAsync(ClusterState cluster, ReplicaRecord replica, CancellationToken cancellationToken) =>
        Task.FromResult(Inspect(cluster, replica));

    private ReplicaRuntime Inspect(ClusterState cluster, ReplicaRecord replica)
    {
        var layout = Layout(cluster, replica);
        var etcd = IsRunning(layout.EtcdMarker);
        var endpoint = IsRunning(layout.EndpointMarker);
        if (etcd && !Directory.Exists(layout.EtcdData))
            return new ReplicaRuntime(ReplicaStatus.Running, ["its data directory was deleted while etcd runs on it; replace it (Repair-MasterReplica)"]) { ApiDown = !endpoint };
        if (etcd && endpoint) return new ReplicaRuntime(ReplicaStatus.Running, []);
        if (!Directory.Exists(layout.EtcdData) && !etcd && !endpoint)
            return new ReplicaRuntime(ReplicaStatus.Missing, ["its data directory is missing"]);
        var problems = new List<string>();
        if (!etcd) problems.Add(ComponentLog.LastFailure(layout.EtcdLog) is { } failure
            ? $"etcd process is not running (last error in its log: {failure})"
            : "etcd process is not running");
        if (!endpoint) problems.Add("API endpoint process is not running");
        return new ReplicaRuntime(etcd || endpoint ? ReplicaStatus.Partial : ReplicaStatus.Stopped, problems) { EtcdDown = !etcd, ApiDown = !endpoint };
    }

    public async Task ReconcileFrontendAsync(ClusterState cluster, string clusterCaFile, CancellationToken cancellationToken)
    {
        var active = cluster.ActiveReplicas.ToList();
        var folder = LoadBalancerFolder(cluster);
        if (active.Count >= 2)
        {
            await Haproxy.ApplyAsync(Spec(cluster, clusterCaFile), cancellationToken).ConfigureAwait(false);
            foreach (var replica in cluster.Replicas) RefreshEndpointListeners(cluster, replica);
            return;
        }

        // One replica (or none): the address goes back to the replica itself; its endpoint binds it
        // (SO_REUSEPORT) before HAProxy lets go, so the address keeps answering.
        foreach (var replica in cluster.Replicas) RefreshEndpointListeners(cluster, replica);
        if (active.Count == 1 && Directory.Exists(folder))
            await WaitServedByEndpointAsync(cluster, active[0], cancellationToken).ConfigureAwait(false);
        await RemoveLoadBalancerAsync(cluster, cancellationToken).ConfigureAwait(false);
    }

    private async Task RemoveLoadBalancerAsync(ClusterState cluster, CancellationToken cancellationToken)
    {
        var folder = LoadBalancerFolder(cluster);
        if (!Directory.Exists(folder)) return;
        await Haproxy.StopAsync(folder, cancellationToken).ConfigureAwait(false);
        Directory.Delete(folder, recursive: true);
    }

    public async Task DrainAsync(ClusterState cluster, ReplicaRecord replica, CancellationToken cancellationToken)
    {
        var folder = LoadBalancerFolder(cluster);
        if (Haproxy.IsRunning(folder))
        {
            var spec = Spec(cluster, Path.Combine(_directory.PkiDirectory(cluster.Name), "ca.crt"));
            if (spec.Backends.All(b => b.Name != replica.Name)) return;
            await Haproxy.DrainAsync(spec, replica.Name, cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task<LoadBalancerView?> InspectLoadBalancerAsync(ClusterState cluster, CancellationToken cancellationToken)
    {
        if (cluster.ActiveReplicas.Count() < 2) return null;
        var folder = LoadBalancerFolder(cluster);
        var running = Haproxy.IsRunning(folder);
        IReadOnlyList<BackendStatus> backends = running
            ? await Haproxy.GetBackendsAsync(folder, cancellationToken).ConfigureAwait(false)
            : [];
        return new LoadBalancerView
        {
            Cluster = cluster.Name,
            Name = $"{cluster.Name}-haproxy",
            Address = cluster.Address,
            Status = running ? "Running" : "Stopped",
            Backends = backends.Select(b => new LoadBalancerBackend { Replica = b.Name, Address = b.Address, State = b.State.ToString() }).ToList(),
        };
    }

    public IEtcdGateway OpenEtcd(ClusterState cluster, EtcdCredentials credentials, Action<ReplicaObservation> observed) => new EtcdGateway(credentials);

    private LoadBalancerSpec Spec(ClusterState cluster, string clusterCaFile) => new(
        cluster.Address, Ports.Api,
        cluster.Replicas.Where(r => r.Phase != ReplicaPhase.Joining).Select(r => new BackendReplica(r.Name, r.InternalAddress)).ToList(),
        clusterCaFile, LoadBalancerFolder(cluster));

    private void RefreshEndpointListeners(ClusterState cluster, ReplicaRecord replica)
    {
        var layout = Layout(cluster, replica);
        if (!File.Exists(layout.EndpointConfig)) return;
        var certificates = new ClusterPki(_directory.PkiDirectory(cluster.Name)).FilesFor(replica.Name);
        if (WriteEndpointConfig(cluster, replica, certificates, layout))
            foreach (var pid in DetachedProcess.FindByMarker(layout.EndpointMarker))
                DetachedProcess.Signal(pid, NativeMethods.SIGHUP);
    }

    /// <summary>Writes the endpoint's config; returns true when it changed.</summary>
    private static bool WriteEndpointConfig(ClusterState cluster, ReplicaRecord replica, ReplicaCertificateFiles certificates, ReplicaLayout layout)
    {
        var servesClusterAddress = replica.Phase == ReplicaPhase.Active && cluster.ActiveReplicas.Count() == 1;
        var listen = new List<string> { $"{replica.InternalAddress}:{Ports.Api}" };
        if (servesClusterAddress) listen.Add($"{cluster.Address}:{Ports.Api}");
        var config = JsonSerializer.Serialize(new
        {
            replica = replica.Name,
            listen,
            certFile = certificates.ApiCertificate,
            keyFile = certificates.ApiKey,
            etcd = new { endpoint = replica.ClientUrl, caFile = certificates.EtcdCa, certFile = certificates.EtcdCertificate, keyFile = certificates.EtcdKey },
            gitVersion = EndpointVersion,
            clientCaFile = certificates.ClusterCa,
        }, new JsonSerializerOptions { WriteIndented = true });
        if (File.Exists(layout.EndpointConfig) && File.ReadAllText(layout.EndpointConfig) == config) return false;
        File.WriteAllText(layout.EndpointConfig + ".tmp", config);
        File.Move(layout.EndpointConfig + ".tmp", layout.EndpointConfig, overwrite: true);
        return true;
    }

    public const string EndpointVersion = "v1.31.0-hamaster-standin";

    private async Task WaitServedByEndpointAsync(ClusterState cluster, ReplicaRecord replica, CancellationToken cancellationToken)
    {
        var layout = Layout(cluster, replica);
        await Waiter.UntilAsync(() => Task.FromResult(File.Exists(layout.EndpointLog) && File.ReadLines(layout.EndpointLog).LastOrDefault(l => l.Contains("listening on", StringComparison.Ordinal))?.Contains(cluster.Address + ":") == true),
            TimeSpan.FromSeconds(10), cancellationToken).ConfigureAwait(false);
    }

    private static async Task WaitListeningAsync(ReplicaRecord replica, StartedComponent component, int port, string log, string what, CancellationToken cancellationToken)
    {
        if (!await component.WaitListeningAsync(replica.InternalAddress, port, StartTimeout, cancellationToken).ConfigureAwait(false))
            throw StartFailed(replica, what, log);
    }

    /// <summary>Quotes the component's own account of its failure when its log has one (etcd's JSON lines), else the log's last lines.</summary>
    private static HaException StartFailed(ReplicaRecord replica, string what, string log)
    {
        if (ComponentLog.LastFailure(log) is { } failure)
            return new HaException(ErrorIds.ProcessStartFailed, $"The {what} of replica {replica.Name} did not start. It logged: {failure}",
                "Fix what it reports, then run the command again.", replica.Name);
        var tail = File.Exists(log) ? string.Join(Environment.NewLine, File.ReadLines(log).TakeLast(5)) : "(no log)";
        return new HaException(ErrorIds.ProcessStartFailed,
            $"The {what} of replica {replica.Name} did not start. Last lines of {log}:{Environment.NewLine}{tail}",
            "Read the log lines above; fix what they report, then run the command again.", replica.Name);
    }

    private static bool IsRunning(string marker) => DetachedProcess.FindByMarker(marker).Count > 0;

    private ReplicaLayout Layout(ClusterState cluster, ReplicaRecord replica) => new(_directory.ReplicaDirectory(cluster.Name, replica.Name));

    private string LoadBalancerFolder(ClusterState cluster) => Path.Combine(_directory.ClusterDirectory(cluster.Name), "lb");
}
