namespace HaMaster;

/// <summary>etcd's own view of one member.</summary>
public sealed class EtcdMember
{
    public required string Cluster { get; init; }
    public required string Id { get; init; }
    /// <summary>The member name, which is the replica name; empty for a member that was added but never started.</summary>
    public required string Name { get; init; }
    public IReadOnlyList<string> PeerUrls { get; init; } = Array.Empty<string>();
    public IReadOnlyList<string> ClientUrls { get; init; } = Array.Empty<string>();
    public bool IsLearner { get; init; }
    public bool IsLeader { get; init; }
    public ulong? RaftIndex { get; init; }
    /// <summary>The size of the member's database file, in bytes.</summary>
    public long? DbSize { get; init; }
    /// <summary>The part of <see cref="DbSize"/> that holds data; the rest is free pages that Optimize-HaCluster gives back.</summary>
    public long? DbSizeInUse { get; init; }
    /// <summary>The share of the database file that is free pages, from 0 to 1 (Optimize-HaCluster brings it near 0).</summary>
    public double? Fragmentation { get; init; }
    /// <summary>The alarms this member raised (NOSPACE, CORRUPT); Problem says what clears them.</summary>
    public IReadOnlyList<string> Alarms { get; init; } = Array.Empty<string>();
    public bool Healthy { get; init; }
    public string? Problem { get; init; }

    public override string ToString() => Name.Length > 0 ? Name : Id;
}
