namespace HaMaster.Gce.Bootstrap;

/// <summary>
/// The instance metadata keys a replica VM reads its certificates and keys from. The provider writes
/// one PEM value under each key when it creates the instance; the startup script reads exactly these
/// keys from the metadata server, so no key material is ever part of the script itself.
/// </summary>
/// <remarks>
/// Instance metadata is readable by anyone who may read the instance through the Compute API and by
/// every process on the VM, as kube-up's <c>kube-env</c> was. Only per-replica keys and the cluster's
/// service-account signing key are written here; the CA private keys never leave the module.
/// </remarks>
public static class ReplicaMetadataKeys
{
    /// <summary>Compute Engine's own key: the script the guest environment runs as root at every boot.</summary>
    public const string StartupScript = "startup-script";

    /// <summary>The cluster CA certificate: trust anchor for API clients and for the health responder.</summary>
    public const string ClusterCaCertificate = "hamaster-ca-crt";

    /// <summary>The etcd CA certificate: trust anchor for etcd clients and peers.</summary>
    public const string EtcdCaCertificate = "hamaster-etcd-ca-crt";

    /// <summary>
    /// The replica's etcd member certificate (server and client usage). etcd serves and peers with it,
    /// as on the Local provider, and kube-apiserver uses it as its etcd client identity.
    /// </summary>
    public const string EtcdCertificate = "hamaster-etcd-crt";

    /// <summary>The private key of <see cref="EtcdCertificate"/>.</summary>
    public const string EtcdKey = "hamaster-etcd-key";

    /// <summary>The replica's own kube-apiserver serving certificate (cluster CA).</summary>
    public const string ApiServerCertificate = "hamaster-apiserver-crt";

    /// <summary>The private key of <see cref="ApiServerCertificate"/>.</summary>
    public const string ApiServerKey = "hamaster-apiserver-key";

    /// <summary>
    /// The cluster's service-account signing key (a PEM private key, the same on every replica so that
    /// a token issued by one replica is accepted by all). kube-apiserver derives the public key from it.
    /// </summary>
    public const string ServiceAccountKey = "hamaster-service-account-key";

    /// <summary>Every key the startup script reads.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        ClusterCaCertificate,
        EtcdCaCertificate,
        EtcdCertificate,
        EtcdKey,
        ApiServerCertificate,
        ApiServerKey,
        ServiceAccountKey,
    ];

    /// <summary>The keys whose values are private keys: written owner-only (0600) on the VM.</summary>
    public static IReadOnlyList<string> PrivateKeys { get; } = [EtcdKey, ApiServerKey, ServiceAccountKey];

    public static bool IsPrivateKey(string key) => PrivateKeys.Contains(key, StringComparer.Ordinal);
}
