namespace HaMaster.Gce.Bootstrap;

/// <summary>Where things live on a replica VM.</summary>
public static class ReplicaPaths
{
    public const string PkiDirectory = "/etc/hamaster/pki";
    public const string BinDirectory = "/opt/hamaster/bin";
    public const string EtcdDataDirectory = "/var/lib/hamaster/etcd";
    public const string ReadinessResponder = "/usr/local/lib/hamaster/readyz-responder";
    public const string SystemdDirectory = "/etc/systemd/system";

    public const string ClusterCa = PkiDirectory + "/ca.crt";
    public const string EtcdCa = PkiDirectory + "/etcd-ca.crt";
    public const string EtcdCertificate = PkiDirectory + "/etcd.crt";
    public const string EtcdKey = PkiDirectory + "/etcd.key";
    public const string ApiServerCertificate = PkiDirectory + "/apiserver.crt";
    public const string ApiServerKey = PkiDirectory + "/apiserver.key";
    public const string ServiceAccountKey = PkiDirectory + "/service-account.key";

    /// <summary>The file each metadata key is written to.</summary>
    public static string FileFor(string metadataKey) => metadataKey switch
    {
        ReplicaMetadataKeys.ClusterCaCertificate => ClusterCa,
        ReplicaMetadataKeys.EtcdCaCertificate => EtcdCa,
        ReplicaMetadataKeys.EtcdCertificate => EtcdCertificate,
        ReplicaMetadataKeys.EtcdKey => EtcdKey,
        ReplicaMetadataKeys.ApiServerCertificate => ApiServerCertificate,
        ReplicaMetadataKeys.ApiServerKey => ApiServerKey,
        ReplicaMetadataKeys.ServiceAccountKey => ServiceAccountKey,
        _ => throw new ArgumentOutOfRangeException(nameof(metadataKey), metadataKey, "Not a replica metadata key."),
    };

    public static string EtcdBinary(string etcdVersion) => $"{BinDirectory}/etcd-{etcdVersion}/etcd";
    public static string KubeApiServerBinary(string kubernetesVersion) => $"{BinDirectory}/kubernetes-{kubernetesVersion}/kube-apiserver";
}
