using HaMaster.Engine.Model;

namespace HaMaster.Engine.Flows;

/// <summary>
/// Safety rule 9 (docs/design.md §3): a change interrupted by Ctrl+C, a killed process or a reboot is
/// found in the journal by the next change on the cluster, under the cluster lock, which rebuilds the
/// flow the journal names and lets <see cref="FlowRunner"/> finish it or roll it back.
/// </summary>
public static class Recovery
{
    /// <summary>Resolves every interrupted change, innermost first (a replica added while a restore grew the cluster, then the restore).</summary>
    /// <returns>False when the cluster no longer exists afterwards.</returns>
    public static async Task<bool> ResolvePendingAsync(ClusterSession session, CancellationToken cancellationToken)
    {
        while (session.State.Pending is { } pending)
        {
            await ResolveAsync(session, pending, cancellationToken).ConfigureAwait(false);
            if (!session.Store.Exists(session.Name)) return false;
        }
        return true;
    }

    private static async Task ResolveAsync(ClusterSession session, PendingOperation pending, CancellationToken cancellationToken)
    {
        var what = pending.Replica is null ? pending.Kind.ToString() : $"{pending.Kind} of {pending.Replica}";
        session.Observer.Warning($"Cluster '{session.Name}' has an interrupted {what} (stopped at step '{pending.Step}', process {pending.ProcessId}); finishing or rolling it back first.");
        Flow flow = pending.Kind switch
        {
            OperationKind.CreateCluster => new CreateClusterFlow(session),
            OperationKind.AddReplica => AddReplicaFlow.Interrupted(session, pending.Replica),
            OperationKind.RemoveReplica => RemoveReplicaFlow.Interrupted(session, pending.Replica),
            OperationKind.RepairReplica => RepairReplicaFlow.Interrupted(session, pending),
            OperationKind.RemoveCluster => new RemoveClusterFlow(session),
            OperationKind.RestoreCluster => RestoreClusterFlow.Interrupted(session, pending),
            OperationKind.RenewCertificates => pending.Replica is null
                ? new RenewAllCertificatesFlow(session)
                : RenewReplicaCertificatesFlow.Interrupted(session, pending.Replica),
            OperationKind.Defragment => DefragmentMemberFlow.Interrupted(session, pending.Replica),
            OperationKind.Rollout => RolloutFlow.Interrupted(session, pending),
            _ => throw new InvalidOperationException($"Unknown pending operation {pending.Kind}."),
        };
        await FlowRunner.ResolveInterruptedAsync(flow, pending, session, cancellationToken).ConfigureAwait(false);
    }
}
