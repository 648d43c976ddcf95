using HaMaster.Engine.Model;
using HaMaster.Engine.Providers;

namespace HaMaster.Engine.Flows;

/// <summary>
/// Finishes or rolls back a change that was interrupted (Ctrl+C, killed process, reboot). Runs under
/// the cluster lock at the start of every mutating command. The rule: a join that reached promotion
/// is finished, any other join is rolled back; a removal whose etcd member is gone is finished, any
/// other removal is rolled back; an interrupted create or cluster removal is torn down.
/// </summary>
public static class Recovery
{
    /// <returns>False when the cluster no longer exists afterwards.</returns>
    public static async Task<bool> ResolvePendingAsync(ClusterSession session, CancellationToken cancellationToken)
    {
        var pending = session.State.Pending;
        if (pending is null) return true;
        var what = pending.Replica is null ? pending.Kind.ToString() : $"{pending.Kind} of {pending.Replica}";
        session.Observer.Warning($"Cluster '{session.Name}' has an interrupted {what} (stopped at step '{pending.Step}', process {pending.ProcessId}); finishing or rolling it back first.");

        switch (pending.Kind)
        {
            case OperationKind.CreateCluster:
            case OperationKind.RemoveCluster:
                await RemoveClusterFlow.TearDownAsync(session, cancellationToken).ConfigureAwait(false);
                return false;
            case OperationKind.AddReplica:
                await ResolveJoinAsync(session, pending.Replica, cancellationToken).ConfigureAwait(false);
                return true;
            case OperationKind.RemoveReplica:
                await ResolveRemovalAsync(session, pending.Replica, cancellationToken).ConfigureAwait(false);
                return true;
            default:
                throw new InvalidOperationException($"Unknown pending operation {pending.Kind}.");
        }
    }

    private static async Task ResolveJoinAsync(ClusterSession session, string? name, CancellationToken cancellationToken)
    {
        var replica = name is null ? null : session.State.FindReplica(name);
        if (replica is null)
        {
            Clear(session);
            return;
        }
        var health = await session.InspectAsync(cancellationToken).ConfigureAwait(false);
        var members = await session.Etcd.ListMembersAsync(ClusterSession.VoterEndpoint(health, except: replica.Name), cancellationToken).ConfigureAwait(false);
        var member = members.FirstOrDefault(m => m.PeerUrls.Contains(replica.PeerUrl));
        if (member is { IsLearner: false })
        {
            session.Observer.Verbose($"{replica.Name} had been promoted: finishing its join.");
            replica.EtcdMemberId = member.Id;
            await session.Provider.StartReplicaAsync(session.State, replica, ExistingClusterBootstrap(session.State), session.Pki.FilesFor(replica.Name), cancellationToken).ConfigureAwait(false);
            replica.Phase = ReplicaPhase.Active;
            session.Save();
            await session.Provider.ReconcileFrontendAsync(session.State, session.Pki.ClusterCaFile, cancellationToken).ConfigureAwait(false);
            Clear(session);
        }
        else
        {
            session.Observer.Verbose($"{replica.Name} had not been promoted: rolling its join back.");
            await AddReplicaFlow.RollBackJoinAsync(session, replica, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task ResolveRemovalAsync(ClusterSession session, string? name, CancellationToken cancellationToken)
    {
        var replica = name is null ? null : session.State.FindReplica(name);
        if (replica is null)
        {
            await session.Provider.ReconcileFrontendAsync(session.State, session.Pki.ClusterCaFile, cancellationToken).ConfigureAwait(false);
            Clear(session);
            return;
        }
        var health = await session.InspectAsync(cancellationToken).ConfigureAwait(false);
        var members = await session.Etcd.ListMembersAsync(ClusterSession.VoterEndpoint(health, except: replica.Name), cancellationToken).ConfigureAwait(false);
        if (members.Any(m => m.PeerUrls.Contains(replica.PeerUrl)))
        {
            session.Observer.Verbose($"{replica.Name} is still an etcd member: rolling its removal back.");
            await RemoveReplicaFlow.RollBackAsync(session, replica, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            session.Observer.Verbose($"{replica.Name}'s etcd member is gone: finishing its removal.");
            await RemoveReplicaFlow.FinishRemovalAsync(session, replica, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>How a member of an existing cluster (re)starts: every recorded replica is in its initial cluster.</summary>
    public static EtcdBootstrap ExistingClusterBootstrap(ClusterState state) =>
        new(state.Replicas.Select(r => KeyValuePair.Create(r.Name, r.PeerUrl)).ToList(), NewCluster: false);

    private static void Clear(ClusterSession session)
    {
        session.State.Pending = null;
        session.Save();
    }
}
