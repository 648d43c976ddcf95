using HaMaster.Engine.Etcd;
using HaMaster.Engine.Model;
using HaMaster.Engine.Pki;

namespace HaMaster.Engine.Providers;

/// <summary>
/// Where replicas live. The engine decides what to do and in which order (flows, safety rules,
/// etcd membership); a provider only does it: addresses, replica machinery, the load balancer.
/// Every method is idempotent, so an interrupted flow can be run again.
/// </summary>
public interface IReplicaProvider
{
    ProviderKind Kind { get; }

    /// <summary>Throws a <see cref="Errors.HaException"/> naming what to install when something is missing.</summary>
    void CheckPrerequisites();

    /// <summary>
    /// The zones replicas may use: for a new cluster (<paramref name="clusterZone"/> null) or beside an
    /// existing cluster's zone (a cloud provider: the zones of its region, in <paramref name="project"/>).
    /// </summary>
    Task<IReadOnlyList<string>> ZonesAsync(string? project, string? clusterZone, CancellationToken cancellationToken);

    /// <summary>The port API servers listen on, on every replica and on the cluster address.</summary>
    int ApiPort { get; }

    /// <summary>The zone a new cluster goes to when the user names none.</summary>
    string DefaultZone { get; }

    /// <summary>
    /// Reserves the cluster's stable address for <paramref name="request"/> (its <c>Zone</c> already
    /// resolved; a cloud provider also reads <c>Project</c> and <c>Region</c>); what it records goes into
    /// <paramref name="providerData"/>.
    /// </summary>
    Task<string> ReserveClusterAddressAsync(NewClusterRequest request, IDictionary<string, string> providerData, CancellationToken cancellationToken);

    Task ReleaseClusterAddressAsync(ClusterState cluster, CancellationToken cancellationToken);

    string AllocateReplicaAddress(ClusterState cluster);

    /// <summary>
    /// Starts (or restarts) the replica's etcd member and API endpoint and returns once they run, with
    /// what it learnt about the replica that its record keeps (null: nothing).
    /// </summary>
    Task<ReplicaObservation?> StartReplicaAsync(ClusterState cluster, ReplicaRecord replica, EtcdBootstrap bootstrap, ReplicaCertificateFiles certificates, CancellationToken cancellationToken);

    /// <summary>
    /// Whether stopping and starting a replica takes seconds (processes on this machine) rather than
    /// minutes (a VM): the engine then restarts an etcd learner whose publish stalled rather than
    /// waiting etcd's timeout out.
    /// </summary>
    bool RestartsInSeconds { get; }

    /// <summary>Stops the replica: a crash (kill) unless <paramref name="graceful"/>.</summary>
    Task StopReplicaAsync(ClusterState cluster, ReplicaRecord replica, bool graceful, CancellationToken cancellationToken);

    /// <summary>
    /// Stops and removes what this provider keeps of cluster <paramref name="cluster"/> that it can
    /// find without the cluster's state, for a state that is damaged or was deleted by hand
    /// (Remove-HaCluster -Force). Returns what it removed, in words; nothing when it found nothing.
    /// </summary>
    Task<IReadOnlyList<string>> RemoveLeftoversAsync(string cluster, CancellationToken cancellationToken);

    /// <summary>Stops the replica and wipes its data, so it can never rejoin with its old identity.</summary>
    Task DeleteReplicaAsync(ClusterState cluster, ReplicaRecord replica, CancellationToken cancellationToken);

    /// <summary>
    /// The provider data entries that record <paramref name="change"/> for the replicas made from now
    /// on, only those that differ from what <paramref name="cluster"/> records; writes nothing. Throws
    /// <see cref="Errors.ErrorIds.ProviderParameterNotSupported"/> for a setting this provider does not
    /// have, and a clear error for a value or a step it does not take (<paramref name="force"/> allows
    /// what is only risky, such as a version downwards).
    /// </summary>
    IReadOnlyDictionary<string, string> PlanSettingsChange(ClusterState cluster, ReplicaSettingsChange change, bool force);

    /// <summary>Throws a <see cref="Errors.HaException"/> when this provider cannot restore a snapshot here (a missing tool), before anything is stopped.</summary>
    void CheckCanRestore();

    /// <summary>
    /// Replaces the etcd data of <paramref name="replica"/> (its etcd stopped) with the snapshot at
    /// <paramref name="snapshotFile"/> on this machine, restored with etcd's own tool as the first
    /// member of a new cluster (<paramref name="bootstrap"/>, named by the cluster's token). A provider
    /// whose replica can only receive the file while it runs (Gce) starts it here, with
    /// <paramref name="certificates"/>, and it restores before its etcd starts. Idempotent: run again,
    /// it restores again.
    /// </summary>
    Task RestoreEtcdDataAsync(ClusterState cluster, ReplicaRecord replica, string snapshotFile, EtcdBootstrap bootstrap, ReplicaCertificateFiles certificates, CancellationToken cancellationToken);

    /// <summary>Whether the replica's machinery runs (processes on Local, the VM on Gce), without asking etcd or the API.</summary>
    Task<ReplicaRuntime> InspectAsync(ClusterState cluster, ReplicaRecord replica, CancellationToken cancellationToken);

    /// <summary>
    /// Makes the cluster address serve what the state says: the only active replica, or a load
    /// balancer in front of every active replica (created at two, removed when back to one).
    /// </summary>
    Task ReconcileFrontendAsync(ClusterState cluster, string clusterCaFile, CancellationToken cancellationToken);

    /// <summary>Stops sending new connections to the replica (before it is stopped or removed).</summary>
    Task DrainAsync(ClusterState cluster, ReplicaRecord replica, CancellationToken cancellationToken);

    Task<LoadBalancer?> InspectLoadBalancerAsync(ClusterState cluster, CancellationToken cancellationToken);

    /// <summary>
    /// A gateway to the cluster's etcd members. What the provider learns about a replica while
    /// reaching it (a pinned host key) goes to <paramref name="observed"/>, for the engine to record.
    /// </summary>
    IEtcdGateway OpenEtcd(ClusterState cluster, EtcdCredentials credentials, Action<ReplicaObservation> observed);
}
