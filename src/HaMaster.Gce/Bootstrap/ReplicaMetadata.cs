using System.Security.Cryptography;
using HaMaster.Engine.Pki;

namespace HaMaster.Gce.Bootstrap;

/// <summary>The instance metadata of a replica VM: its startup script and the PEM values it reads.</summary>
public static class ReplicaMetadata
{
    /// <summary>
    /// Every metadata item of a replica: <see cref="ReplicaMetadataKeys.StartupScript"/> and one
    /// item per key of <see cref="ReplicaMetadataKeys.All"/>, read from the replica's certificate files.
    /// The result holds private keys: pass it to the Compute API and nowhere else.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Items(ReplicaBootstrapSpec spec, ReplicaCertificateFiles files, string serviceAccountKeyPem)
    {
        ArgumentNullException.ThrowIfNull(files);
        ArgumentException.ThrowIfNullOrWhiteSpace(serviceAccountKeyPem);
        var items = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [ReplicaMetadataKeys.StartupScript] = StartupScript.Render(spec),
            [ReplicaMetadataKeys.ClusterCaCertificate] = File.ReadAllText(files.ClusterCa),
            [ReplicaMetadataKeys.EtcdCaCertificate] = File.ReadAllText(files.EtcdCa),
            [ReplicaMetadataKeys.EtcdCertificate] = File.ReadAllText(files.EtcdCertificate),
            [ReplicaMetadataKeys.EtcdKey] = File.ReadAllText(files.EtcdKey),
            [ReplicaMetadataKeys.ApiServerCertificate] = File.ReadAllText(files.ApiCertificate),
            [ReplicaMetadataKeys.ApiServerKey] = File.ReadAllText(files.ApiKey),
            [ReplicaMetadataKeys.ServiceAccountKey] = serviceAccountKeyPem,
        };
        return items;
    }

    /// <summary>
    /// A new service-account signing key for a cluster: ECDSA P-256 in PKCS#8 PEM. Generate it once per
    /// cluster, keep it owner-only with the cluster's other keys and give every replica the same one.
    /// </summary>
    public static string NewServiceAccountKeyPem()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return key.ExportPkcs8PrivateKeyPem() + "\n";
    }
}
