using HaMaster.Engine.Etcd;
using HaMaster.Engine.Model;

namespace HaMaster.Gce.Bootstrap;

/// <summary>
/// The etcd command line of a replica VM: the engine's shared <see cref="EtcdCommandLine"/> (the one
/// the Local provider runs real etcd with), with the VM's addresses and files.
/// </summary>
public static class GceEtcdMember
{
    /// <summary>The loopback client URL: kube-apiserver and the SSH tunnel reach the local member here.</summary>
    public static readonly string LoopbackClientUrl = $"https://127.0.0.1:{Ports.EtcdClient}";

    public static string PeerUrl(string internalAddress) => $"https://{internalAddress}:{Ports.EtcdPeer}";
    public static string ClientUrl(string internalAddress) => $"https://{internalAddress}:{Ports.EtcdClient}";

    public static EtcdCommandLine.Paths Paths { get; } = new(
        ReplicaPaths.EtcdDataDirectory, ReplicaPaths.EtcdCertificate, ReplicaPaths.EtcdKey, ReplicaPaths.EtcdCa);

    /// <summary>
    /// The member: clients on the internal address (what it advertises to the cluster) and on loopback
    /// (kube-apiserver and the module's SSH tunnel), peers on the internal address.
    /// </summary>
    public static EtcdCommandLine.Member Member(ReplicaBootstrapSpec spec) => new(
        spec.ReplicaName,
        [ClientUrl(spec.InternalAddress), LoopbackClientUrl],
        ClientUrl(spec.InternalAddress),
        PeerUrl(spec.InternalAddress),
        string.Join(",", spec.EtcdInitialCluster.Select(m => $"{m.Key}={m.Value}")),
        spec.EtcdNewCluster,
        spec.EtcdClusterToken,
        spec.EtcdQuotaBytes);

    public static IReadOnlyList<string> Arguments(ReplicaBootstrapSpec spec) => EtcdCommandLine.Arguments(Member(spec), Paths);
}
