namespace HaMaster;

/// <summary>One backup of a cluster: an etcd snapshot file and what its manifest records, checked against the file.</summary>
public sealed class HaClusterBackup
{
    public required string Cluster { get; init; }
    public required string Name { get; init; }
    /// <summary>The snapshot file.</summary>
    public required string Path { get; init; }
    /// <summary>Manual, or the change it was taken before (BeforeAdd, BeforeRemove, BeforeRepair, ...).</summary>
    public required string Reason { get; init; }
    public required string SourceReplica { get; init; }
    /// <summary>The etcd revision the snapshot holds at least.</summary>
    public long Revision { get; init; }
    public long SizeBytes { get; init; }
    public required string Sha256 { get; init; }
    public DateTimeOffset TakenAt { get; init; }
    /// <summary>True when the file has the size and SHA-256 its manifest records and etcd's own integrity hash holds.</summary>
    public bool Verified { get; init; }
    /// <summary>Why it is not verified, in words.</summary>
    public string? Problem { get; init; }

    public override string ToString() => Name;
}
