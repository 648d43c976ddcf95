using HaMaster.Engine.Etcd;
using HaMaster.Engine.Health;
using HaMaster.Engine.Model;
using HaMaster.Engine.Safety;

namespace HaMaster.Engine.Flows;

/// <summary>
/// Removes one replica: out of the load balancer and leadership moved away first, safety re-checked
/// right before the etcd member is removed (through another member), then the replica stopped and
/// its data wiped. Going from two replicas to one removes the load balancer and gives the cluster
/// address back to the last replica.
/// </summary>
public sealed class RemoveReplicaFlow
{
    private readonly ClusterSession _session;
    private readonly ReplicaRecord _replica;
    private readonly bool _force;
    private readonly bool _forRepair;
    private ClusterHealth _health;

    /// <param name="forRepair">The removal is the first half of a repair: it is re-checked by the repair's rules.</param>
    public RemoveReplicaFlow(ClusterSession session, ClusterHealth health, ReplicaRecord replica, bool force, bool forRepair = false)
    {
        _session = session;
        _health = health;
        _replica = replica;
        _force = force;
        _forRepair = forRepair;
        Steps =
        [
            new("record", $"Record the removal of {replica.Name}", _ => RecordAsync()),
            new("drain", "Take it out of the load balancer", DrainAsync),
            new("move-leader", "Move etcd leadership away from it", ct => _session.MoveLeadershipAwayAsync(_health, _replica, ct)),
            new("recheck", "Re-check health and quorum", RecheckAsync),
            new("member-remove", "Remove its etcd member", RemoveMemberAsync),
            new("delete", "Stop its processes and wipe its data", ct => FinishRemovalAsync(_session, _replica, ct)),
        ];
    }

    public IReadOnlyList<FlowStep> Steps { get; }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            await FlowRunner.RunAsync($"Remove replica {_replica.Name}", Steps, _session, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (_replica.Phase == ReplicaPhase.Removing && _session.State.Pending?.Step is "record" or "drain" or "move-leader" or "recheck")
        {
            _session.Observer.Warning($"Removing {_replica.Name} stopped before its etcd member was removed ({(e is OperationCanceledException ? "stopped by the user" : e.Message)}); putting it back.");
            await RollBackAsync(_session, _replica, CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }

    private Task RecordAsync()
    {
        _replica.Phase = ReplicaPhase.Removing;
        _session.State.Pending = new PendingOperation { Kind = OperationKind.RemoveReplica, Replica = _replica.Name, ProcessId = Environment.ProcessId, StartedAt = DateTimeOffset.UtcNow };
        _session.Save();
        return Task.CompletedTask;
    }

    private Task DrainAsync(CancellationToken cancellationToken) => _session.Provider.DrainAsync(_session.State, _replica, cancellationToken);

    private async Task RecheckAsync(CancellationToken cancellationToken)
    {
        _health = await _session.InspectSettledAsync(cancellationToken).ConfigureAwait(false);
        SafetyRules.CheckRemove(MembershipView.From(_health), _replica.Name, _force, _forRepair);
    }

    private async Task RemoveMemberAsync(CancellationToken cancellationToken)
    {
        var endpoint = ClusterSession.VoterEndpoint(_health, except: _replica.Name);
        var members = await _session.Etcd.ListMembersAsync(endpoint, cancellationToken).ConfigureAwait(false);
        foreach (var member in members.Where(m => m.PeerUrls.Contains(_replica.PeerUrl)))
        {
            try
            {
                await EtcdRetry.WhileSettlingAsync(async () =>
                {
                    await _session.Etcd.RemoveAsync(endpoint, member.Id, cancellationToken).ConfigureAwait(false);
                    return true;
                }, cancellationToken).ConfigureAwait(false);
            }
            catch (EtcdRequestException e) when (e.IsMemberNotFound)
            {
            }
        }
        await MakeRemovalDurableAsync(endpoint, cancellationToken).ConfigureAwait(false);
    }

    public const string MembershipChangeKey = "/hamaster/last-membership-change";

    /// <summary>
    /// etcd writes an advance of its commit index to its log without syncing it until the next
    /// entry. When a removal leaves one member, that member cannot learn again that the removal was
    /// committed (the removed member was needed for it), so a crash before its next write brings it
    /// back still waiting for the removed member: the cluster never starts again. A write appends an
    /// entry, whose sync makes the commit of the removal durable.
    /// </summary>
    private async Task MakeRemovalDurableAsync(string endpoint, CancellationToken cancellationToken) =>
        await EtcdRetry.WhileSettlingAsync(async () =>
        {
            await _session.Etcd.PutAsync(endpoint, MembershipChangeKey, $"removed {_replica.Name}", cancellationToken).ConfigureAwait(false);
            return true;
        }, cancellationToken).ConfigureAwait(false);

    /// <summary>After the etcd member is gone: stop and wipe the replica, drop it, and fix the cluster address.</summary>
    public static async Task FinishRemovalAsync(ClusterSession session, ReplicaRecord replica, CancellationToken cancellationToken)
    {
        await session.Provider.DeleteReplicaAsync(session.State, replica, cancellationToken).ConfigureAwait(false);
        session.Pki.DeleteReplica(replica.Name);
        session.State.Replicas.Remove(replica);
        session.Save();
        await session.Provider.ReconcileFrontendAsync(session.State, session.Pki.ClusterCaFile, cancellationToken).ConfigureAwait(false);
        session.State.Pending = null;
        session.Save();
    }

    /// <summary>Undoes a removal that stopped before the etcd member was removed: the replica is active again.</summary>
    public static async Task RollBackAsync(ClusterSession session, ReplicaRecord replica, CancellationToken cancellationToken)
    {
        replica.Phase = ReplicaPhase.Active;
        session.State.Pending = null;
        session.Save();
        await session.Provider.ReconcileFrontendAsync(session.State, session.Pki.ClusterCaFile, cancellationToken).ConfigureAwait(false);
    }
}
