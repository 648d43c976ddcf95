namespace HaMaster.Engine.Model;

/// <summary>
/// What a restore (docs/design.md §10.2) decided before it touched anything, kept in its journal entry
/// so that an interrupted restore is finished with the same source, replica and identity.
/// </summary>
public sealed record RestorePlan
{
    /// <summary>The verified etcd snapshot the cluster is restored from.</summary>
    public required string SnapshotPath { get; init; }
    /// <summary>The source in words ("backup demo-20261205-101500-manual", "replica demo-master-x2k").</summary>
    public required string Source { get; init; }
    /// <summary>The store revision the snapshot holds at least; 0 when unknown.</summary>
    public long Revision { get; init; }
    /// <summary>The replica that becomes the restored cluster's first member.</summary>
    public required string Replica { get; init; }
    /// <summary>The zones of the replicas to add back, one entry per replica, after the first.</summary>
    public required IReadOnlyList<string> AddBackZones { get; init; }
    /// <summary>The new etcd cluster token: the restored cluster gets a new identity and new member ids.</summary>
    public required string ClusterToken { get; init; }
}
