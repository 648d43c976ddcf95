namespace HaMaster;

/// <summary>One certificate of a cluster, as kept in its state folder. Private keys are never shown.</summary>
public sealed class HaCertificate
{
    public required string Cluster { get; init; }
    /// <summary>The replica it belongs to; empty for the cluster-wide ones (the CAs, the module's etcd client).</summary>
    public required string Replica { get; init; }
    /// <summary>ClusterCa, EtcdCa, EtcdClient, ApiServer or EtcdMember.</summary>
    public required string Usage { get; init; }
    public required string Subject { get; init; }
    public IReadOnlyList<string> DnsNames { get; init; } = [];
    public IReadOnlyList<string> IPAddresses { get; init; } = [];
    public DateTimeOffset NotBefore { get; init; }
    public DateTimeOffset NotAfter { get; init; }
    /// <summary>Time left until NotAfter when it was read; negative once expired.</summary>
    public TimeSpan ExpiresIn { get; init; }
    public required string Thumbprint { get; init; }
    /// <summary>The certificate file.</summary>
    public required string Path { get; init; }

    public override string ToString() => Replica.Length == 0 ? Usage : $"{Usage} of {Replica}";
}
