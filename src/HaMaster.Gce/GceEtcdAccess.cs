using HaMaster.Engine.Etcd;
using HaMaster.Engine.Model;
using HaMaster.Gce.Ssh;

namespace HaMaster.Gce;

/// <summary>
/// How the module reaches a cluster's etcd members. <see cref="GceAccess.Internal"/>: the client URL as
/// is. <see cref="GceAccess.External"/>: one SSH tunnel per replica (<see cref="GceTunneledEtcdGateway"/>)
/// to its external address, read from the VM, forwarding to its etcd client port, with the cluster's
/// module key. The server must present a host key the VM published in its guest attributes; while it
/// has published none, the key seen first is pinned in the replica's provider data
/// (<see cref="SshHostKeyKey"/>) and required after.
/// </summary>
internal sealed class GceEtcdAccess(GceComputeConnection connection, GceKeyFiles keys, GceProviderOptions options)
{
    /// <summary>In a replica's provider data: the SSH host key fingerprint seen first (pinned after).</summary>
    public const string SshHostKeyKey = "sshHostKey";

    /// <summary>
    /// A gateway to <paramref name="cluster"/>'s etcd members; each tunnel it opens reports the host key
    /// it was opened with to <paramref name="hostKeySeen"/>, to be pinned.
    /// </summary>
    public IEtcdGateway Open(ClusterState cluster, GceClusterSettings settings, EtcdCredentials credentials, Action<ReplicaRecord, string> hostKeySeen)
    {
        if (settings.Access == GceAccess.Internal) return new EtcdGateway(credentials);
        return new GceTunneledEtcdGateway(credentials, (endpoint, cancellationToken) => OpenTunnelAsync(cluster, settings, endpoint, hostKeySeen, cancellationToken));
    }

    private async Task<SshTunnel> OpenTunnelAsync(ClusterState cluster, GceClusterSettings settings, string endpoint, Action<ReplicaRecord, string> hostKeySeen, CancellationToken cancellationToken)
    {
        var replica = cluster.Replicas.FirstOrDefault(r => string.Equals(r.ClientUrl, endpoint, StringComparison.OrdinalIgnoreCase))
                      ?? throw GceErrors.NoReplicaWithEndpoint(cluster.Name, endpoint);
        var tunnel = await SshTunnel.OpenAsync(await SshOptionsAsync(cluster, settings, replica, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        hostKeySeen(replica, tunnel.HostKeyFingerprint);
        return tunnel;
    }

    /// <summary>
    /// How to reach <paramref name="replica"/> over SSH: its external address (its internal one with
    /// <see cref="GceAccess.Internal"/>), the module's key, the host keys the VM published or the one
    /// pinned, and a tunnel's target: its etcd client port.
    /// </summary>
    public async Task<SshOptions> SshOptionsAsync(ClusterState cluster, GceClusterSettings settings, ReplicaRecord replica, CancellationToken cancellationToken)
    {
        var location = settings.Location;
        var compute = await connection.GetAsync(cancellationToken).ConfigureAwait(false);
        var (instance, published) = await GceErrors.TranslateAsync($"read the VM and host keys of replica {replica.Name}", replica.Name, async () =>
        {
            var instance = compute.Instances.Get(location.Project, replica.Zone, replica.Name).ExecuteAsync(cancellationToken);
            var published = PublishedHostKeys.FingerprintsAsync(compute, location.Project, replica.Zone, replica.Name, cancellationToken);
            return (await instance.ConfigureAwait(false), await published.ConfigureAwait(false));
        }).ConfigureAwait(false);
        var host = settings.Access == GceAccess.Internal
            ? replica.InternalAddress
            : GceReplicaInstance.ExternalAddress(instance) ?? throw GceErrors.NoExternalAddress(replica.Name, instance.Status);
        var pinned = replica.ProviderData.GetValueOrDefault(SshHostKeyKey);
        return new SshOptions
        {
            Host = host,
            User = options.SshUser,
            Key = keys.SshKey(cluster.Name),
            RemoteHost = replica.InternalAddress,
            TrustedHostKeyFingerprints = published.Count > 0 ? published : pinned is null ? [] : [pinned],
        };
    }
}
