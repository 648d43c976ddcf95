namespace HaMaster;

/// <summary>One master replica with its live health.</summary>
public sealed class MasterReplica
{
    public required string Cluster { get; init; }
    public required string Name { get; init; }
    public required string Zone { get; init; }
    public required string Provider { get; init; }
    public required string Status { get; init; }
    public bool Healthy { get; init; }
    public bool Unhealthy => !Healthy;
    /// <summary>Why the replica is unhealthy, in words; empty when healthy.</summary>
    public IReadOnlyList<string> Problems { get; init; } = Array.Empty<string>();
    public required string InternalAddress { get; init; }
    public string? ExternalAddress { get; init; }
    public string? EtcdMemberId { get; init; }
    public required string EtcdRole { get; init; }
    public bool ApiHealthy { get; init; }
    public DateTimeOffset CreatedAt { get; init; }

    public override string ToString() => Name;
}
