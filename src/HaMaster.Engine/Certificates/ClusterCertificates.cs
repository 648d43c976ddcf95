using System.Net;

namespace HaMaster.Engine.Certificates;

/// <summary>The certificate profiles of the control plane and the names each one must carry.</summary>
public static class ClusterCertificates
{
    /// <summary>First address of the default service range (10.0.0.0/24): the in-cluster "kubernetes" service.</summary>
    public static readonly IPAddress DefaultServiceAddress = IPAddress.Parse("10.0.0.1");

    private static readonly string[] KubernetesServiceNames =
    [
        "kubernetes",
        "kubernetes.default",
        "kubernetes.default.svc",
        "kubernetes.default.svc.cluster.local",
    ];

    private const string LocalHostName = "localhost";

    /// <summary>
    /// Serving certificate of one kube-apiserver replica: reachable through the cluster
    /// address, its own address, the in-cluster service address and loopback.
    /// </summary>
    public static CertificateRequestSpec ApiServer(
        string replicaName,
        IPAddress replicaAddress,
        IPAddress clusterAddress,
        IPAddress serviceAddress)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(replicaName);
        ArgumentNullException.ThrowIfNull(replicaAddress);
        ArgumentNullException.ThrowIfNull(clusterAddress);
        ArgumentNullException.ThrowIfNull(serviceAddress);

        return new CertificateRequestSpec(
            replicaName,
            DistinctNames([.. KubernetesServiceNames, replicaName, LocalHostName]),
            DistinctAddresses(clusterAddress, replicaAddress, serviceAddress, IPAddress.Loopback),
            CertificateUsage.Server);
    }

    /// <summary>
    /// Certificate of one etcd member, used both to serve clients and for peer traffic.
    /// Loopback is included because etcd checks a peer's certificate against the peer's
    /// source address, and on a single host every peer connects from 127.0.0.1.
    /// </summary>
    public static CertificateRequestSpec EtcdMember(string replicaName, IPAddress replicaAddress)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(replicaName);
        ArgumentNullException.ThrowIfNull(replicaAddress);

        return new CertificateRequestSpec(
            replicaName,
            DistinctNames([replicaName, LocalHostName]),
            DistinctAddresses(replicaAddress, IPAddress.Loopback),
            CertificateUsage.Server | CertificateUsage.Client);
    }

    /// <summary>A client-only certificate identified by its common name.</summary>
    public static CertificateRequestSpec Client(string commonName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(commonName);

        return new CertificateRequestSpec(commonName, [], [], CertificateUsage.Client);
    }

    /// <summary>The group Kubernetes gives every permission to (the cluster-admin binding).</summary>
    public const string AdministratorsGroup = "system:masters";

    /// <summary>A cluster administrator's client certificate: the user is the common name, the group system:masters.</summary>
    public static CertificateRequestSpec Administrator(string userName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(userName);

        return new CertificateRequestSpec(userName, [], [], CertificateUsage.Client, AdministratorsGroup);
    }

    private static IReadOnlyList<string> DistinctNames(params string[] names) =>
        names.Distinct(StringComparer.OrdinalIgnoreCase).ToArray();

    private static IReadOnlyList<IPAddress> DistinctAddresses(params IPAddress[] addresses) =>
        addresses.Distinct().ToArray();
}
