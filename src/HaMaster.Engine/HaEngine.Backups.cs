using HaMaster.Engine.Backups;
using HaMaster.Engine.Errors;
using HaMaster.Engine.Flows;

namespace HaMaster.Engine;

/// <summary>The backup operations (docs/design.md §10.1).</summary>
public sealed partial class HaEngine
{
    /// <summary>Takes a manual backup into <paramref name="folder"/> (default: the cluster's backups folder).</summary>
    public Task<HaClusterBackup> BackupAsync(string cluster, string? folder, CancellationToken cancellationToken)
    {
        var target = BackupFolderOf(cluster, folder);
        target.CheckWritable();
        return ChangeAsync(cluster, "Backup-HaCluster", async session =>
        {
            var health = await session.InspectSettledAsync(cancellationToken).ConfigureAwait(false);
            return await new BackupFlow(session, health, BackupReason.Manual, target).TakeAsync(cancellationToken).ConfigureAwait(false);
        }, cancellationToken);
    }

    /// <summary>
    /// The backups of <paramref name="cluster"/> in <paramref name="folder"/> (default: the cluster's
    /// backups folder), oldest first, each checked against its file. Without a cluster, every backup in
    /// <paramref name="folder"/>.
    /// </summary>
    public IReadOnlyList<HaClusterBackup> GetBackups(string? cluster, string? folder)
    {
        if (cluster is null && folder is null) throw new ArgumentException("A cluster or a folder is needed.");
        if (folder is null) _store.Load(cluster!);
        var target = new BackupFolder(folder ?? _store.Directory.BackupsDirectory(cluster!));
        return target.List(cluster).Select(m => BackupVerifier.ToView(m, target)).ToList();
    }

    /// <summary>Deletes a backup listed by <see cref="GetBackups"/>.</summary>
    public void RemoveBackup(HaClusterBackup backup)
    {
        var folder = new BackupFolder(Path.GetDirectoryName(backup.Path)!);
        if (!folder.List(backup.Cluster).Any(m => m.Name == backup.Name))
            throw new HaException(ErrorIds.BackupNotFound,
                $"Backup '{backup.Name}' of cluster '{backup.Cluster}' is no longer in {folder.Path}.",
                $"List what is there with Get-HaClusterBackup -Cluster {backup.Cluster}.", backup.Name);
        folder.Delete(backup.Name);
    }

    /// <summary>The folder a backup of <paramref name="cluster"/> goes to; an unknown cluster is refused first, so nothing is created for it.</summary>
    private BackupFolder BackupFolderOf(string cluster, string? folder)
    {
        _store.Load(cluster);
        return new BackupFolder(folder ?? _store.Directory.BackupsDirectory(cluster));
    }
}
