namespace HaMaster.Engine.Backups;

/// <summary>Checks a backup's snapshot file against its manifest and against etcd's own integrity hash.</summary>
public static class BackupVerifier
{
    /// <summary>Null when the backup is sound, else what is wrong with it, in words.</summary>
    public static string? Problem(BackupManifest manifest, string snapshotPath, EtcdSnapshotFile.Check? alreadyRead = null)
    {
        if (!File.Exists(snapshotPath)) return "its snapshot file is missing";
        var check = alreadyRead ?? EtcdSnapshotFile.Read(snapshotPath);
        if (check.SizeBytes != manifest.SizeBytes) return $"its snapshot file has {check.SizeBytes} bytes, its manifest records {manifest.SizeBytes}";
        if (!string.Equals(check.Sha256, manifest.Sha256, StringComparison.OrdinalIgnoreCase)) return "its snapshot file's SHA-256 differs from the one its manifest records";
        if (!check.IntegrityHolds) return "it is not an etcd snapshot whose own integrity hash holds";
        return null;
    }

    public static HaClusterBackup ToView(BackupManifest manifest, BackupFolder folder, EtcdSnapshotFile.Check? alreadyRead = null)
    {
        var path = folder.SnapshotPath(manifest.Name);
        var problem = Problem(manifest, path, alreadyRead);
        return new HaClusterBackup
        {
            Cluster = manifest.Cluster,
            Name = manifest.Name,
            Path = path,
            Reason = manifest.Reason.ToString(),
            SourceReplica = manifest.SourceReplica,
            Revision = manifest.Revision,
            SizeBytes = manifest.SizeBytes,
            Sha256 = manifest.Sha256,
            TakenAt = manifest.TakenAt,
            Verified = problem is null,
            Problem = problem,
        };
    }
}
