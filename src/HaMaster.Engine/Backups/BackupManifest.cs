namespace HaMaster.Engine.Backups;

/// <summary>What is recorded beside a snapshot file (<c>NAME.json</c> next to <c>NAME.db</c>).</summary>
public sealed record BackupManifest
{
    public required string Cluster { get; init; }
    public required string Name { get; init; }
    public BackupReason Reason { get; init; }
    public required string SourceReplica { get; init; }
    /// <summary>The etcd store revision the snapshot holds at least.</summary>
    public long Revision { get; init; }
    public long SizeBytes { get; init; }
    /// <summary>SHA-256 of the whole snapshot file, lower-case hex.</summary>
    public required string Sha256 { get; init; }
    public DateTimeOffset TakenAt { get; init; }
}
