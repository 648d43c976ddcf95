namespace HaMaster.Engine.Pki;

/// <summary>The files a replica runs with: its API and etcd key pairs and the CAs it trusts.</summary>
public sealed record ReplicaCertificateFiles(
    string ClusterCa,
    string EtcdCa,
    string ApiCertificate,
    string ApiKey,
    string EtcdCertificate,
    string EtcdKey);
