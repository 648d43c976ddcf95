using HaMaster.Engine.Model;

namespace HaMaster.Engine;

public sealed record NewClusterRequest(
    string Name,
    ProviderKind Provider = ProviderKind.Local,
    string? Zone = null,
    string? Project = null,
    string? Region = null,
    bool MultiZone = false,
    bool EtcdQuorumReads = false,
    int BackupRetention = ClusterState.DefaultBackupRetention,
    TimeSpan? CertificateValidity = null,
    long EtcdQuotaBytes = Etcd.EtcdQuota.DefaultBytes);
