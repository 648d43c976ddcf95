using HaMaster.Engine.Backups;
using HaMaster.Engine.Errors;
using HaMaster.Engine.Etcd;
using HaMaster.Engine.Health;
using HaMaster.Engine.Model;

namespace HaMaster.Engine.Flows;

/// <summary>
/// Takes one backup (docs/design.md §10): an etcd snapshot streamed from a healthy member (a follower
/// when there is one, so the leader is spared) over the module's mutual TLS, written under a temporary
/// name, its own integrity hash checked, then renamed and recorded. Not journaled: an interruption
/// leaves at most a partial file, which the flow or the next backup removes. Any failure is reported
/// as <see cref="ErrorIds.BackupFailed"/>; a backup that cannot be verified never counts.
/// </summary>
public sealed class BackupFlow : Flow
{
    private readonly ClusterHealth _health;
    private readonly BackupReason _reason;
    private readonly BackupFolder _folder;
    private readonly string? _beforeCommand;
    private readonly string? _onlyFrom;
    private List<ReplicaHealth> _candidates = [];
    private ReplicaHealth? _source;
    private string? _name;
    private long _revision;
    private EtcdSnapshotFile.Check? _check;
    private BackupManifest? _manifest;

    /// <param name="beforeCommand">The command the backup is taken for (rule 12), or null for Backup-HaCluster.</param>
    /// <param name="folder">Where the backup goes; by default the cluster's backups folder in the state folder.</param>
    /// <param name="onlyFrom">The one replica the snapshot must come from (a restore's source), or null for the best one that answers.</param>
    public BackupFlow(ClusterSession session, ClusterHealth health, BackupReason reason, BackupFolder? folder = null, string? beforeCommand = null, string? onlyFrom = null) : base(session)
    {
        _onlyFrom = onlyFrom;
        _health = health;
        _reason = reason;
        folder ??= new BackupFolder(session.Store.Directory.BackupsDirectory(session.Name));
        _folder = folder;
        _beforeCommand = beforeCommand;
        Steps =
        [
            new("backup-folder", $"Check that backups can be written to {folder.Path}", _ => CheckFolderAsync()),
            new("backup-source", "Choose the etcd member to take the snapshot from", _ => ChooseSourceAsync()),
            new("backup-snapshot", "Stream the snapshot and check its integrity hash", SnapshotAsync),
            new("backup-record", "Record the backup beside its snapshot", _ => RecordAsync()),
            new("backup-retention", $"Keep the newest {session.State.BackupRetention} automatic backups", _ => PruneAsync()),
        ];
    }

    public override string Activity => $"Back up {Session.Name}";
    public override bool IsPrelude => _beforeCommand is not null;
    public override IReadOnlyList<FlowStep> Steps { get; }

    /// <summary>Runs the flow and returns the backup; every failure but a cancellation becomes BackupFailed, with nothing left behind.</summary>
    public async Task<HaClusterBackup> TakeAsync(CancellationToken cancellationToken)
    {
        try
        {
            await RunAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not HaException { ErrorId: ErrorIds.BackupPathNotWritable })
        {
            if (_name is not null) File.Delete(_folder.PartialPath(_name));
            if (e is OperationCanceledException) throw;
            throw Failed(e.Message, e);
        }
        return BackupVerifier.ToView(_manifest!, _folder, _check);
    }

    private Task CheckFolderAsync()
    {
        _folder.CheckWritable();
        _folder.RemoveLeftovers();
        return Task.CompletedTask;
    }

    /// <summary>Healthy replicas first (a replica whose data is gone may still answer a status request), followers before the leader.</summary>
    private Task ChooseSourceAsync()
    {
        _candidates = _health.Replicas
            .Where(r => r.IsVoter && r.EtcdStatus is not null && r.Status == ReplicaStatus.Running)
            .Where(r => _onlyFrom is null || r.Replica.Name == _onlyFrom)
            .OrderByDescending(r => r.Healthy)
            .ThenByDescending(r => r.EtcdRole == EtcdRole.Follower)
            .ThenByDescending(r => r.EtcdStatus!.RaftIndex)
            .ToList();
        if (_candidates.Count == 0) throw new InvalidOperationException(_onlyFrom is null ? "no etcd voter answers" : $"the etcd member of {_onlyFrom} does not answer");
        return Task.CompletedTask;
    }

    /// <summary>Streams from the first candidate that gives a whole snapshot; a failed attempt leaves nothing behind.</summary>
    private async Task SnapshotAsync(CancellationToken cancellationToken)
    {
        _name = _folder.NewName(Session.Name, DateTimeOffset.UtcNow, _reason);
        var partial = _folder.PartialPath(_name);
        var failures = new List<string>();
        foreach (var candidate in _candidates)
        {
            try
            {
                await using (var file = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
                {
                    _revision = await Session.Etcd.SnapshotAsync(candidate.Replica.ClientUrl, file, Session.Options.BackupTimeout, cancellationToken).ConfigureAwait(false);
                    file.Flush(flushToDisk: true);
                }
                _check = EtcdSnapshotFile.Read(partial);
                if (_check.IntegrityHolds)
                {
                    _source = candidate;
                    Session.Observer.Verbose($"Backup of {Session.Name}: snapshot from {candidate.Replica.Name} ({candidate.EtcdRole}).");
                    return;
                }
                failures.Add($"the snapshot streamed from {candidate.Replica.Name} ({_check.SizeBytes} bytes) fails its own integrity hash");
            }
            catch (EtcdRequestException e)
            {
                failures.Add(e.Message);
            }
            File.Delete(partial);
        }
        throw new InvalidOperationException(string.Join("; ", failures));
    }

    private Task RecordAsync()
    {
        _manifest = new BackupManifest
        {
            Cluster = Session.Name,
            Name = _name!,
            Reason = _reason,
            SourceReplica = _source!.Replica.Name,
            Revision = _revision,
            SizeBytes = _check!.SizeBytes,
            Sha256 = _check.Sha256,
            TakenAt = DateTimeOffset.UtcNow,
        };
        _folder.Commit(_manifest);
        Session.Observer.Verbose($"Backup {_name} of {Session.Name}: {_check.SizeBytes} bytes at revision {_revision}, in {_folder.Path}.");
        return Task.CompletedTask;
    }

    private Task PruneAsync()
    {
        if (_reason == BackupReason.Manual) return Task.CompletedTask;
        foreach (var expired in _folder.Prune(Session.Name, Session.State.BackupRetention))
            Session.Observer.Verbose($"Backup {expired.Name} removed: beyond the retention of {Session.State.BackupRetention} automatic backups.");
        return Task.CompletedTask;
    }

    private HaException Failed(string reason, Exception inner) => new(ErrorIds.BackupFailed,
        _beforeCommand is null
            ? $"No backup of cluster '{Session.Name}' could be taken: {reason}"
            : $"No backup of cluster '{Session.Name}' could be taken, so {_beforeCommand} changed nothing (safety rule 12): {reason}",
        $"Check that an etcd member answers (Get-EtcdMember -Cluster {Session.Name}) and that {_folder.Path} has room, then run the command again.",
        Session.Name, inner);
}
