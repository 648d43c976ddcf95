using HaMaster.Engine.Model;
using HaMaster.Engine.Providers;

namespace HaMaster.Engine.Etcd;

/// <summary>
/// The etcd flags of a replica, shared by every provider so that a Compute Engine replica runs
/// etcd exactly as the Local provider does: mutual TLS for clients and peers, zap logging.
/// </summary>
public static class EtcdCommandLine
{
    public sealed record Paths(string DataDirectory, string Certificate, string Key, string TrustedCa);

    public static IReadOnlyList<string> Arguments(ClusterState cluster, ReplicaRecord replica, EtcdBootstrap bootstrap, Paths paths) =>
    [
        $"--name={replica.Name}",
        $"--data-dir={paths.DataDirectory}",
        $"--listen-client-urls={replica.ClientUrl}",
        $"--advertise-client-urls={replica.ClientUrl}",
        $"--listen-peer-urls={replica.PeerUrl}",
        $"--initial-advertise-peer-urls={replica.PeerUrl}",
        $"--initial-cluster={bootstrap.InitialClusterFlag}",
        $"--initial-cluster-state={(bootstrap.NewCluster ? "new" : "existing")}",
        $"--initial-cluster-token={cluster.EtcdClusterToken}",
        $"--cert-file={paths.Certificate}",
        $"--key-file={paths.Key}",
        $"--trusted-ca-file={paths.TrustedCa}",
        "--client-cert-auth=true",
        $"--peer-cert-file={paths.Certificate}",
        $"--peer-key-file={paths.Key}",
        $"--peer-trusted-ca-file={paths.TrustedCa}",
        "--peer-client-cert-auth=true",
        "--strict-reconfig-check=true",
        "--snapshot-count=10000",
        "--experimental-initial-corrupt-check=true",
        "--logger=zap",
        "--log-outputs=stderr",
    ];
}
