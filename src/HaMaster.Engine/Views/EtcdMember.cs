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
    public long? DbSize { get; init; }
    public bool Healthy { get; init; }
    public string? Problem { get; init; }

    public override string ToString() => Name.Length > 0 ? Name : Id;
}
