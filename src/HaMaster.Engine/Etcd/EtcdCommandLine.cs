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

    /// <summary>
    /// Who a member is on the command line: its name, where it listens and what it advertises, and
    /// how it bootstraps. Providers differ only in these values and in <see cref="Paths"/>.
    /// </summary>
    public sealed record Member(
        string Name,
        IReadOnlyList<string> ListenClientUrls,
        string AdvertiseClientUrl,
        string PeerUrl,
        string InitialCluster,
        bool NewCluster,
        string ClusterToken,
        long QuotaBytes)
    {
        /// <summary>A member that listens for clients on its own address only (the Local provider).</summary>
        public static Member For(ClusterState cluster, ReplicaRecord replica, EtcdBootstrap bootstrap) => new(
            replica.Name, [replica.ClientUrl], replica.ClientUrl, replica.PeerUrl,
            bootstrap.InitialClusterFlag, bootstrap.NewCluster, cluster.EtcdClusterToken, cluster.EtcdQuotaBytes);
    }

    /// <summary>
    /// The flags of <c>snapshot restore</c> (etcdctl, etcdutl) that make a snapshot the data of
    /// <paramref name="member"/> as the first member of a new cluster, in <paramref name="dataDirectory"/>.
    /// </summary>
    public static IReadOnlyList<string> RestoreArguments(Member member, string dataDirectory) =>
    [
        $"--name={member.Name}",
        $"--data-dir={dataDirectory}",
        $"--initial-cluster={member.InitialCluster}",
        $"--initial-cluster-token={member.ClusterToken}",
        $"--initial-advertise-peer-urls={member.PeerUrl}",
    ];

    public static IReadOnlyList<string> Arguments(ClusterState cluster, ReplicaRecord replica, EtcdBootstrap bootstrap, Paths paths) =>
        Arguments(Member.For(cluster, replica, bootstrap), paths);

    public static IReadOnlyList<string> Arguments(Member member, Paths paths) =>
    [
        $"--name={member.Name}",
        $"--data-dir={paths.DataDirectory}",
        $"--listen-client-urls={string.Join(",", member.ListenClientUrls)}",
        $"--advertise-client-urls={member.AdvertiseClientUrl}",
        $"--listen-peer-urls={member.PeerUrl}",
        $"--initial-advertise-peer-urls={member.PeerUrl}",
        $"--initial-cluster={member.InitialCluster}",
        $"--initial-cluster-state={(member.NewCluster ? "new" : "existing")}",
        $"--initial-cluster-token={member.ClusterToken}",
        $"--cert-file={paths.Certificate}",
        $"--key-file={paths.Key}",
        $"--trusted-ca-file={paths.TrustedCa}",
        "--client-cert-auth=true",
        $"--peer-cert-file={paths.Certificate}",
        $"--peer-key-file={paths.Key}",
        $"--peer-trusted-ca-file={paths.TrustedCa}",
        "--peer-client-cert-auth=true",
        "--strict-reconfig-check=true",
        // A member started again after a crash asks before it campaigns, so it cannot depose a
        // working leader with a higher term (etcd 3.5's default; 3.4 needs it said).
        "--pre-vote=true",
        "--snapshot-count=10000",
        $"--quota-backend-bytes={member.QuotaBytes}",
        "--experimental-initial-corrupt-check=true",
        "--logger=zap",
        "--log-outputs=stderr",
    ];
}
