namespace HaMaster;

/// <summary>A cluster with its live health, as Get-HaCluster and New-HaCluster emit it.</summary>
public sealed class HaCluster
{
    public required string Name { get; init; }
    public required string Provider { get; init; }
    public string? Project { get; init; }
    public string? Region { get; init; }
    public required string Zone { get; init; }
    /// <summary>The stable API address.</summary>
    public required string Address { get; init; }
    public required string Endpoint { get; init; }
    public int ReplicaCount { get; init; }
    public int HealthyReplicaCount { get; init; }
    /// <summary>How many replicas may fail with the etcd quorum kept.</summary>
    public int FaultTolerance { get; init; }
    /// <summary>Null while the cluster has one replica.</summary>
    public LoadBalancer? LoadBalancer { get; init; }
    public bool MultiZone { get; init; }
    public bool EtcdQuorumReads { get; init; }
    /// <summary>etcd's backend quota (New-HaCluster -EtcdQuotaBytes): a member's database that reaches it raises NOSPACE.</summary>
    public long EtcdQuotaBytes { get; init; }
    public required string Status { get; init; }
    /// <summary>Why the cluster is not Healthy, in words.</summary>
    public IReadOnlyList<string> Problems { get; init; } = Array.Empty<string>();
    public DateTimeOffset CreatedAt { get; init; }
    /// <summary>When the first leaf certificate expires (Get-HaCertificate lists them all).</summary>
    public DateTimeOffset? CertificatesExpireAt { get; init; }

    /// <summary>Lets a cluster pipe into cmdlets that take -Cluster.</summary>
    public string Cluster => Name;

    public override string ToString() => Name;
}
