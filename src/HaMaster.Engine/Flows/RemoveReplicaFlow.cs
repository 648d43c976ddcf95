using HaMaster.Engine.Errors;
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
public sealed class RemoveReplicaFlow : Flow
{
    private readonly ReplicaRecord? _replica;
    private readonly string _name;
    private readonly bool _force;
    private readonly bool _forRepair;
    private ClusterHealth? _health;

    /// <param name="forRepair">The removal is the first half of a repair: it is re-checked by the repair's rules.</param>
    public RemoveReplicaFlow(ClusterSession session, ClusterHealth health, ReplicaRecord replica, bool force, bool forRepair = false)
        : this(session, replica.Name, health, force, forRepair)
    {
    }

    private RemoveReplicaFlow(ClusterSession session, string name, ClusterHealth? health, bool force, bool forRepair) : base(session)
    {
        _name = name;
        _replica = session.State.FindReplica(name);
        _health = health;
        _force = force;
        _forRepair = forRepair;
        Steps =
        [
            new("record", $"Record the removal of {name}", _ => RecordAsync()),
            new("drain", "Take it out of the load balancer", DrainAsync),
            new("move-leader", "Move etcd leadership away from it", ct => Session.MoveLeadershipAwayAsync(_health!, Replica, ct)),
            new("recheck", "Re-check health and quorum", RecheckAsync),
            new("member-remove", "Remove its etcd member", RemoveMemberAsync) { PointOfNoReturn = true },
            new("delete", "Stop its processes and wipe its data", FinishAsync),
        ];
    }

    /// <summary>The removal the journal says was interrupted (its replica may already be forgotten).</summary>
    public static RemoveReplicaFlow Interrupted(ClusterSession session, string? replica) => new(session, replica ?? "", health: null, force: false, forRepair: false);

    public override string Activity => $"Remove replica {_name}";
    public override OperationKind? Journal => OperationKind.RemoveReplica;
    public override string? ReplicaName => _name;
    public override string RollBackDescription => "putting it back";
    public override IReadOnlyList<FlowStep> Steps { get; }

    private ReplicaRecord Replica => _replica ?? throw HaErrors.ReplicaNotFound(Session.Name, _name);

    /// <summary>Past the point of no return once its etcd member is gone (or the replica is already forgotten).</summary>
    public override async Task<bool> IsPastPointOfNoReturnAsync(string journaledStep, CancellationToken cancellationToken)
    {
        if (_replica is null) return true;
        var endpoint = await Session.AnsweringVoterAsync(except: _name, cancellationToken).ConfigureAwait(false);
        var members = await Session.Etcd.ListMembersAsync(endpoint, cancellationToken).ConfigureAwait(false);
        return !members.Any(m => m.PeerUrls.Contains(_replica.PeerUrl));
    }

    /// <summary>After the etcd member is gone: stop and wipe the replica, drop it, and fix the cluster address.</summary>
    public override async Task FinishAsync(CancellationToken cancellationToken)
    {
        if (_replica is not null)
        {
            await Session.Provider.DeleteReplicaAsync(Session.State, _replica, cancellationToken).ConfigureAwait(false);
            Session.Pki.DeleteReplica(_name);
            Session.State.Replicas.Remove(_replica);
            Session.Save();
        }
        await Session.Provider.ReconcileFrontendAsync(Session.State, Session.Pki.ClusterCaFile, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Undoes a removal that stopped before the etcd member was removed: the replica is active again.</summary>
    public override async Task RollBackAsync(CancellationToken cancellationToken)
    {
        if (_replica is null) return;
        _replica.Phase = ReplicaPhase.Active;
        Session.Save();
        await Session.Provider.ReconcileFrontendAsync(Session.State, Session.Pki.ClusterCaFile, cancellationToken).ConfigureAwait(false);
    }

    private Task RecordAsync()
    {
        Replica.Phase = ReplicaPhase.Removing;
        Session.Save();
        return Task.CompletedTask;
    }

    private Task DrainAsync(CancellationToken cancellationToken) => Session.Provider.DrainAsync(Session.State, Replica, cancellationToken);

    private async Task RecheckAsync(CancellationToken cancellationToken)
    {
        _health = await Session.InspectSettledAsync(cancellationToken).ConfigureAwait(false);
        SafetyRules.CheckRemove(MembershipView.From(_health), _name, _force, _forRepair);
    }

    private async Task RemoveMemberAsync(CancellationToken cancellationToken)
    {
        var endpoint = ClusterSession.VoterEndpoint(_health!, except: _name);
        var members = await Session.Etcd.ListMembersAsync(endpoint, cancellationToken).ConfigureAwait(false);
        foreach (var member in members.Where(m => m.PeerUrls.Contains(Replica.PeerUrl)))
        {
            try
            {
                await EtcdRetry.WhileSettlingAsync(async () =>
                {
                    await Session.Etcd.RemoveAsync(endpoint, member.Id, cancellationToken).ConfigureAwait(false);
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
            await Session.Etcd.PutAsync(endpoint, MembershipChangeKey, $"removed {_name}", cancellationToken).ConfigureAwait(false);
            return true;
        }, cancellationToken).ConfigureAwait(false);
}
