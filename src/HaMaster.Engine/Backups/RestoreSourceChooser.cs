using HaMaster.Engine.Errors;
using HaMaster.Engine.Flows;
using HaMaster.Engine.Health;
using HaMaster.Engine.Model;

namespace HaMaster.Engine.Backups;

/// <summary>
/// Decides what a restore starts from, and proves it before anything is stopped: a named backup or
/// snapshot file is verified (its manifest's size and SHA-256, etcd's own integrity hash, its cluster);
/// a replica's data is streamed into a verified backup first (the rule-12 backup of the restore). With
/// no source named, the freshest that can be proved: a surviving member newer than the newest
/// verified backup, else that backup.
/// </summary>
public sealed class RestoreSourceChooser(ClusterSession session, RestoreRequest request, bool hasQuorum, Func<string?, string?, IReadOnlyList<HaClusterBackup>> listBackups)
{
    /// <summary>A proved source: a snapshot file on this machine and the revision it holds (0: unknown).</summary>
    public sealed record Source(string SnapshotPath, string Description, long Revision, string? Replica);

    private string Cluster => session.Name;

    public async Task<Source> ChooseAsync(ClusterHealth health, CancellationToken cancellationToken)
    {
        if (request.FromReplica is { } named) return await FromReplicaAsync(health, session.RequireReplica(named), cancellationToken).ConfigureAwait(false);
        if (request.BackupName is { } backupName)
        {
            var backup = listBackups(Cluster, null).FirstOrDefault(b => string.Equals(b.Name, backupName, StringComparison.OrdinalIgnoreCase))
                ?? throw new HaException(ErrorIds.BackupNotFound,
                    $"Cluster '{Cluster}' has no backup named '{backupName}'; nothing was changed.",
                    $"List its backups with Get-HaClusterBackup -Cluster {Cluster}.", backupName);
            return await FromFileAsync(health, backup.Path, cancellationToken).ConfigureAwait(false);
        }
        if (request.SnapshotPath is { } path) return await FromFileAsync(health, Path.GetFullPath(path), cancellationToken).ConfigureAwait(false);

        var (answering, survivor) = await FreshestSurvivorAsync(health, cancellationToken).ConfigureAwait(false);
        var newestBackup = listBackups(Cluster, null).Where(b => b.Verified).OrderBy(b => b.Revision).ThenBy(b => b.TakenAt).LastOrDefault();
        if (survivor is not null && (newestBackup is null || survivor.EtcdStatus!.Revision > newestBackup.Revision))
            return await SnapshotOfAsync(answering, survivor, cancellationToken).ConfigureAwait(false);
        if (newestBackup is not null) return await FromFileAsync(health, newestBackup.Path, cancellationToken).ConfigureAwait(false);
        throw new HaException(ErrorIds.NoRestoreSource,
            $"Cluster '{Cluster}' has nothing to restore from: no replica's etcd member answers and there is no verified backup in {session.Store.Directory.BackupsDirectory(Cluster)}; nothing was changed.",
            $"Restore from a snapshot file: Restore-HaCluster -Cluster {Cluster} -Path <snapshot.db>.", Cluster);
    }

    private async Task<Source> FromReplicaAsync(ClusterHealth health, ReplicaRecord replica, CancellationToken cancellationToken)
    {
        var current = health.Find(replica.Name)!;
        if (current.Status == ReplicaStatus.Missing)
            throw new HaException(ErrorIds.ReplicaDataLost,
                $"Replica '{replica.Name}' of cluster '{Cluster}' has lost its data, so it cannot be restored from; nothing was changed.",
                $"Restore from a backup (Restore-HaCluster -Cluster {Cluster}, which picks the freshest source it can prove) or name another replica.", replica.Name);
        var answering = await WakeAsync(health, [current], cancellationToken).ConfigureAwait(false);
        var survivor = answering.Find(replica.Name);
        if (survivor?.EtcdStatus is null || !survivor.IsVoter)
            throw new HaException(ErrorIds.ReplicaDataLost,
                $"The etcd member of replica '{replica.Name}' of cluster '{Cluster}' does not answer even when started, so its data cannot be read; nothing was changed.",
                $"Restore from a backup: Restore-HaCluster -Cluster {Cluster}.", replica.Name);
        return await SnapshotOfAsync(answering, survivor, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The voter with the newest data among those whose data is still there, started when stopped so that they can be read.</summary>
    private async Task<(ClusterHealth Answering, ReplicaHealth? Survivor)> FreshestSurvivorAsync(ClusterHealth health, CancellationToken cancellationToken)
    {
        var withData = health.Replicas.Where(r => r.Status != ReplicaStatus.Missing).ToList();
        var answering = await WakeAsync(health, withData, cancellationToken).ConfigureAwait(false);
        return (answering, answering.Replicas
            .Where(r => r.IsVoter && r.EtcdStatus is not null && r.Status == ReplicaStatus.Running)
            .OrderByDescending(r => r.EtcdStatus!.Revision)
            .FirstOrDefault());
    }

    /// <summary>
    /// Starts the etcd member of each replica given that does not answer in <paramref name="health"/>,
    /// then looks again until they answer or the ready timeout passes; with none silent, that look stands.
    /// </summary>
    private async Task<ClusterHealth> WakeAsync(ClusterHealth health, IReadOnlyList<ReplicaHealth> replicas, CancellationToken cancellationToken)
    {
        var silent = replicas.Where(r => r.EtcdStatus is null).Select(r => r.Replica).ToList();
        if (silent.Count == 0) return health;
        foreach (var replica in silent)
        {
            session.Observer.Verbose($"Starting {replica.Name} to read its data.");
            await session.StartReplicaAsync(replica, StartReplicaFlow.ExistingClusterBootstrap(session.State), cancellationToken).ConfigureAwait(false);
        }
        await Waiter.UntilAsync(async () =>
        {
            health = await session.InspectAsync(cancellationToken).ConfigureAwait(false);
            return silent.All(r => health.Find(r.Name)?.EtcdStatus is not null);
        }, session.Options.ReadyTimeout, cancellationToken, session.Options.SettleInterval).ConfigureAwait(false);
        return health;
    }

    /// <summary>A replica's data as a verified backup, taken before anything is stopped: it is both the source and the rule-12 backup.</summary>
    private async Task<Source> SnapshotOfAsync(ClusterHealth health, ReplicaHealth survivor, CancellationToken cancellationToken)
    {
        var backup = await new BackupFlow(session, health, BackupReason.BeforeRestore,
            beforeCommand: "Restore-HaCluster", onlyFrom: survivor.Replica.Name).TakeAsync(cancellationToken).ConfigureAwait(false);
        session.Observer.Verbose($"The data of {survivor.Replica.Name} is kept as backup {backup.Name}.");
        return new Source(backup.Path, $"replica {survivor.Replica.Name}", backup.Revision, survivor.Replica.Name);
    }

    /// <summary>
    /// A snapshot file proved sound. When a member still answers with newer data than it holds (or the
    /// cluster has quorum), that data is backed up first (rule 12): the restore throws it away.
    /// </summary>
    private async Task<Source> FromFileAsync(ClusterHealth health, string path, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
            throw new HaException(ErrorIds.BackupNotFound, $"There is no snapshot file at '{path}'; nothing was changed.",
                $"Name an existing file, or list the cluster's backups with Get-HaClusterBackup -Cluster {Cluster}.", path);
        var manifest = BackupFolder.ManifestBeside(path);
        long revision = 0;
        string description;
        if (manifest is not null)
        {
            if (BackupVerifier.Problem(manifest, path) is { } problem) throw Invalid(path, problem);
            if (!string.Equals(manifest.Cluster, Cluster, StringComparison.OrdinalIgnoreCase))
            {
                if (!request.Force)
                    throw new HaException(ErrorIds.BackupOfAnotherCluster,
                        $"Backup '{manifest.Name}' was taken of cluster '{manifest.Cluster}', not of '{Cluster}'; nothing was changed.",
                        $"Choose a backup of {Cluster} (Get-HaClusterBackup -Cluster {Cluster}); to restore this one anyway, add -Force.", manifest.Name);
                session.Observer.Warning($"Restoring cluster '{Cluster}' from a backup of cluster '{manifest.Cluster}': its data holds that cluster's objects and secrets, which were made for that cluster's certificates, not {Cluster}'s.");
            }
            revision = manifest.Revision;
            description = $"backup {manifest.Name}";
        }
        else
        {
            if (!EtcdSnapshotFile.Read(path).IntegrityHolds) throw Invalid(path, "it is not an etcd snapshot whose own integrity hash holds");
            description = $"snapshot file {path}";
        }

        var newer = health.Replicas.Where(r => r.IsVoter && r.EtcdStatus is not null && r.Status == ReplicaStatus.Running)
            .OrderByDescending(r => r.EtcdStatus!.Revision).FirstOrDefault();
        if (newer is not null && (hasQuorum || revision == 0 || newer.EtcdStatus!.Revision > revision))
            await new BackupFlow(session, health, BackupReason.BeforeRestore, beforeCommand: "Restore-HaCluster").TakeAsync(cancellationToken).ConfigureAwait(false);
        return new Source(path, description, revision, null);
    }

    private HaException Invalid(string path, string problem) => new(ErrorIds.BackupInvalid,
        $"The snapshot '{path}' cannot be restored: {problem}; nothing was changed.",
        $"Choose another backup (Get-HaClusterBackup -Cluster {Cluster} lists them with Verified), or a file written by Backup-HaCluster or etcdctl snapshot save.", path);
}
