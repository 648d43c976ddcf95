namespace HaMaster;

/// <summary>What Optimize-HaCluster did to one etcd member: its database file before and after, and the alarms it cleared.</summary>
public sealed class EtcdDefragmentation
{
    public required string Cluster { get; init; }
    /// <summary>The member's name, which is its replica's.</summary>
    public required string Member { get; init; }
    public long DbSizeBefore { get; init; }
    public long DbSizeAfter { get; init; }
    /// <summary>The space given back to the disk, in bytes.</summary>
    public long ReclaimedBytes => Math.Max(0, DbSizeBefore - DbSizeAfter);
    /// <summary>How long the member was out of service: taken out of the load balancer until served again.</summary>
    public TimeSpan Duration { get; init; }
    /// <summary>The alarms of this member that were disarmed once there was room (NOSPACE).</summary>
    public IReadOnlyList<string> AlarmsCleared { get; init; } = Array.Empty<string>();

    public override string ToString() => Member;
}
