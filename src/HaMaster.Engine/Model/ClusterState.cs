using HaMaster.Engine.Etcd;

namespace HaMaster.Engine.Model;

/// <summary>The persisted description of one cluster. Live health is never stored here.</summary>
public sealed class ClusterState
{
    public const int CurrentSchemaVersion = 1;

    public int SchemaVersion { get; init; } = CurrentSchemaVersion;
    public required string Name { get; init; }
    public ProviderKind Provider { get; init; }
    public string? Project { get; init; }
    public string? Region { get; init; }
    public required string Zone { get; init; }
    /// <summary>The stable API address: served by the only replica, or by the load balancer.</summary>
    public required string Address { get; init; }
    public bool MultiZone { get; init; }
    public bool EtcdQuorumReads { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    /// <summary>Names the etcd cluster; a restore gives it a new one, so the restored cluster has a new identity.</summary>
    public string EtcdClusterToken { get; set; } = "";
    /// <summary>How many automatic backups (safety rule 12) are kept; manual ones are never pruned.</summary>
    public int BackupRetention { get; init; } = DefaultBackupRetention;
    public const int DefaultBackupRetention = 10;
    /// <summary>How long every leaf certificate of the cluster is valid (absent from older state files: a year).</summary>
    public TimeSpan CertificateValidity { get; init; } = DefaultCertificateValidity;
    public static readonly TimeSpan DefaultCertificateValidity = TimeSpan.FromDays(365);
    /// <summary>etcd's backend quota in bytes (absent from older state files: the default, taken by each member when it next starts).</summary>
    public long EtcdQuotaBytes { get; init; } = EtcdQuota.DefaultBytes;
    public List<ReplicaRecord> Replicas { get; init; } = new();
    public PendingOperation? Pending { get; set; }
    /// <summary>Provider-specific bookkeeping, such as the loopback block on the Local provider.</summary>
    public Dictionary<string, string> ProviderData { get; init; } = new();

    /// <summary>The port the API servers listen on (the provider's; absent from older state files: Local's).</summary>
    public int ApiPort { get; init; } = Ports.Api;

    public string Endpoint => $"https://{Address}:{ApiPort}";

    public IEnumerable<ReplicaRecord> ActiveReplicas => Replicas.Where(r => r.Phase == ReplicaPhase.Active);

    public ReplicaRecord? FindReplica(string name) =>
        Replicas.FirstOrDefault(r => string.Equals(r.Name, name, StringComparison.OrdinalIgnoreCase));
}
