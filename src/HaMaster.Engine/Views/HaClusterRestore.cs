namespace HaMaster;

/// <summary>What Restore-HaCluster did: the source it restored from, with its revision, and the cluster it left.</summary>
public sealed class HaClusterRestore
{
    public required string Cluster { get; init; }
    /// <summary>The source in words: "backup NAME", "snapshot file PATH", or "replica NAME" (its data, kept as a backup first).</summary>
    public required string Source { get; init; }
    /// <summary>The verified snapshot file that was restored.</summary>
    public required string SnapshotPath { get; init; }
    /// <summary>The etcd revision the source holds at least (0 when a snapshot file says nothing of it).</summary>
    public long Revision { get; init; }
    /// <summary>The newest revision a member still had before the restore, when newer than the source: the writes after <see cref="Revision"/> are lost.</summary>
    public long? NewestRevisionSeen { get; init; }
    public int ReplicaCount { get; init; }
    public required string Status { get; init; }
    public IReadOnlyList<string> Problems { get; init; } = Array.Empty<string>();

    public override string ToString() => Cluster;
}
