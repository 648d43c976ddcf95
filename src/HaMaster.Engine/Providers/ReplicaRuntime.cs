using HaMaster.Engine.Model;

namespace HaMaster.Engine.Providers;

/// <summary>
/// What the provider sees of a replica's machinery, without asking etcd or the API.
/// <paramref name="ApiAddress"/>: where this machine reaches the replica's API server when that is not
/// its internal address (a VM's public address seen from outside its network); its certificate must
/// still name the internal address.
/// </summary>
public sealed record ReplicaRuntime(ReplicaStatus Status, IReadOnlyList<string> Problems, string? ApiAddress = null)
{
    /// <summary>The provider sees that the etcd member cannot answer (its process is gone): it is not asked, which would cost a request timeout.</summary>
    public bool EtcdDown { get; init; }

    /// <summary>The provider sees that the API server cannot answer (its process is gone): it is not asked.</summary>
    public bool ApiDown { get; init; }

    /// <summary>Whether the etcd member is worth asking: the machinery runs, at least in part, and the provider did not see etcd down.</summary>
    public bool EtcdMayAnswer => MachineryUp && !EtcdDown;

    /// <summary>Whether the API server is worth asking, as <see cref="EtcdMayAnswer"/>.</summary>
    public bool ApiMayAnswer => MachineryUp && !ApiDown;

    private bool MachineryUp => Status is ReplicaStatus.Running or ReplicaStatus.Partial;

    /// <summary>Asks <paramref name="replica"/>'s API server where this runtime says it is reached.</summary>
    public Task<string?> ReadyProblemAsync(Health.IApiProbe probe, ReplicaRecord replica, int port, CancellationToken cancellationToken) =>
        probe.ReadyProblemAsync(ApiAddress ?? replica.InternalAddress, replica.InternalAddress, port, cancellationToken);
}
