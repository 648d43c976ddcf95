using HaMaster.Engine.Backups;
using HaMaster.Engine.Errors;
using HaMaster.Engine.Flows;
using HaMaster.Engine.Health;
using HaMaster.Engine.Model;
using HaMaster.Engine.Providers;

namespace HaMaster.Engine;

/// <summary>What Restore-HaCluster asks for: at most one source (none: the freshest one that can be proved).</summary>
public sealed record RestoreRequest
{
    public required string Cluster { get; init; }
    /// <summary>The name of a backup in the cluster's backups folder.</summary>
    public string? BackupName { get; init; }
    /// <summary>A snapshot file (a backup's, or one taken elsewhere).</summary>
    public string? SnapshotPath { get; init; }
    /// <summary>A replica whose own etcd data is the source.</summary>
    public string? FromReplica { get; init; }
    /// <summary>How many replicas the restored cluster grows back to; default: as many as before.</summary>
    public int? ReplicaCount { get; init; }
    /// <summary>Restores a cluster that still has quorum, or a backup of another cluster; sets aside an interrupted restore.</summary>
    public bool Force { get; init; }
}

/// <summary>The restore (docs/design.md §10.2), the one operation that acts on a cluster without quorum.</summary>
public sealed partial class HaEngine
{
    public async Task<HaClusterRestore> RestoreAsync(RestoreRequest request, CancellationToken cancellationToken)
    {
        _store.Load(request.Cluster);
        using var progress = new ProgressActivity(_observer, $"Restore-HaCluster {request.Cluster}");
        progress.Report(WaitingForLock, 0);
        using var clusterLock = await LockAsync(request.Cluster, "Restore-HaCluster", cancellationToken).ConfigureAwait(false);
        using var session = Open(_store.Load(request.Cluster), progress);
        session.Provider.CheckCanRestore();

        if (session.State.Pending?.Chain().FirstOrDefault(p => p.Kind == OperationKind.RestoreCluster)?.Restore is { } interrupted && !request.Force)
        {
            _observer.Warning($"Cluster '{request.Cluster}' has an interrupted restore from {interrupted.Source}: finishing it rather than restoring again (add -Force to start over from a source you name).");
            await Recovery.ResolvePendingAsync(session, cancellationToken).ConfigureAwait(false);
            return await RestoreViewAsync(session, interrupted, newestSeen: null, cancellationToken).ConfigureAwait(false);
        }
        await SetAsidePendingAsync(session, cancellationToken).ConfigureAwait(false);

        progress.Report("Checking quorum", 5);
        var health = await session.InspectSettledAsync(cancellationToken).ConfigureAwait(false);
        var hasQuorum = health.Status is ClusterStatus.Healthy or ClusterStatus.Degraded;
        if (hasQuorum && !request.Force)
            throw new HaException(ErrorIds.ClusterHasQuorum,
                $"Cluster '{request.Cluster}' still has quorum ({health.HealthyVoters} of {health.Voters} voters healthy): a restore would throw away every write after its source, and nothing was changed.",
                $"Replace failed replicas instead (Get-MasterReplica -Cluster {request.Cluster} | Where Unhealthy | Repair-MasterReplica); to roll the cluster back anyway, add -Force.", request.Cluster);

        progress.Report("Choosing what to restore from", 10);
        var source = await new RestoreSourceChooser(session, request, hasQuorum, GetBackups).ChooseAsync(health, cancellationToken).ConfigureAwait(false);
        var newestSeen = NewestRevision(health);
        _observer.Warning(LossWarning(request.Cluster, source, newestSeen));

        var before = session.State.Replicas.OrderBy(r => r.Name == source.Replica ? 0 : 1).ThenBy(r => r.CreatedAt).ToList();
        var count = request.ReplicaCount ?? before.Count;
        var plan = new RestorePlan
        {
            SnapshotPath = source.SnapshotPath,
            Source = source.Description,
            Revision = source.Revision,
            Replica = before[0].Name,
            AddBackZones = Enumerable.Range(1, count - 1).Select(i => before[i % before.Count].Zone).ToList(),
            ClusterToken = $"{request.Cluster}-{Guid.NewGuid():N}",
        };
        await new RestoreClusterFlow(session, plan).RunAsync(cancellationToken).ConfigureAwait(false);
        return await RestoreViewAsync(session, plan, newestSeen, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// A membership change cut short on a cluster that lost its quorum cannot be finished or rolled
    /// back (both need the quorum); the restore replaces every replica anyway, so it is dropped. A cut
    /// creation or removal of the whole cluster is resolved as usual.
    /// </summary>
    private async Task SetAsidePendingAsync(ClusterSession session, CancellationToken cancellationToken)
    {
        if (session.State.Pending is not { } pending) return;
        if (pending.Kind is OperationKind.CreateCluster or OperationKind.RemoveCluster)
        {
            if (!await Recovery.ResolvePendingAsync(session, cancellationToken).ConfigureAwait(false))
                throw GoneWithItsInterruptedChange(session.Name);
            return;
        }
        _observer.Warning($"Cluster '{session.Name}' has an interrupted {pending.Kind} ({pending.Replica}, step '{pending.Step}'); the restore replaces it.");
        session.State.Pending = null;
        session.Save();
    }

    /// <summary>What the restore gives up, as precisely as the members that still answer allow.</summary>
    private static string LossWarning(string cluster, RestoreSourceChooser.Source source, long newestSeen)
    {
        var at = source.Revision > 0 ? $"at revision {source.Revision}" : "(its revision is not recorded)";
        var lost = newestSeen > source.Revision
            ? $"writes acknowledged after revision {source.Revision} are lost (a member still had revision {newestSeen})"
            : newestSeen > 0
                ? "no member that still answers had newer writes"
                : $"writes acknowledged after {(source.Revision > 0 ? $"revision {source.Revision}" : "it was taken")} are lost (no member's data could be read to tell how many)";
        return $"Restoring cluster '{cluster}' from {source.Description} {at}: {lost}.";
    }

    private static long NewestRevision(ClusterHealth health) =>
        health.Replicas.Select(r => r.EtcdStatus?.Revision ?? 0).DefaultIfEmpty(0).Max();

    private static async Task<HaClusterRestore> RestoreViewAsync(ClusterSession session, RestorePlan plan, long? newestSeen, CancellationToken cancellationToken)
    {
        var health = await session.InspectSettledAsync(cancellationToken).ConfigureAwait(false);
        return new HaClusterRestore
        {
            Cluster = session.Name,
            Source = plan.Source,
            SnapshotPath = plan.SnapshotPath,
            Revision = plan.Revision,
            NewestRevisionSeen = newestSeen > plan.Revision ? newestSeen : null,
            ReplicaCount = session.State.Replicas.Count,
            Status = health.Status.ToString(),
            Problems = health.Problems,
        };
    }
}
