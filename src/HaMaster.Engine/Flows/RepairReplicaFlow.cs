using HaMaster.Engine.Health;
using HaMaster.Engine.Model;
using HaMaster.Engine.Safety;

namespace HaMaster.Engine.Flows;

/// <summary>
/// Replaces a replica (safety rule 5); the caller has checked that it may go and taken a backup
/// (rule 12). The old one is removed first, then a new one is added in the same zone, each half
/// gated and checked on its own and journaled by its own flow inside this flow's entry. An
/// interruption is resolved half by half: first the half's own flow finishes or rolls back; then,
/// if the old replica is gone, the repair is finished by adding its replacement, so the cluster is
/// not left one replica short.
/// </summary>
public sealed class RepairReplicaFlow : Flow
{
    private readonly string _replica;
    private readonly string _zone;
    private readonly bool _force;
    private readonly DateTimeOffset? _startedAt;

    public RepairReplicaFlow(ClusterSession session, ReplicaRecord replica, bool force) : this(session, replica.Name, replica.Zone, force, startedAt: null)
    {
    }

    private RepairReplicaFlow(ClusterSession session, string replica, string zone, bool force, DateTimeOffset? startedAt) : base(session)
    {
        _replica = replica;
        _zone = zone;
        _force = force;
        _startedAt = startedAt;
        Steps =
        [
            new("check", $"Check again that {replica} may be removed", RecheckAsync),
            new("remove", $"Remove {replica}", RemoveAsync) { PointOfNoReturn = true },
            new("add", $"Add its replacement in zone {zone}", AddAsync) { PointOfNoReturn = true },
        ];
    }

    /// <summary>The repair the journal says was interrupted.</summary>
    public static RepairReplicaFlow Interrupted(ClusterSession session, PendingOperation pending) =>
        new(session, pending.Replica ?? "", pending.Zone ?? session.State.Zone, force: false, pending.StartedAt);

    public override string Activity => $"Replace replica {_replica}";
    public override OperationKind? Journal => OperationKind.RepairReplica;
    public override string? ReplicaName => _replica;
    public override string? ReplicaZone => _zone;
    public override IReadOnlyList<FlowStep> Steps { get; }

    /// <summary>The replica that replaced the old one, once the flow has run.</summary>
    public ReplicaRecord? Replacement { get; private set; }

    private ClusterHealth? _rechecked;

    /// <summary>The backup took a while: the removal is decided on a new look, and a refusal here changes nothing.</summary>
    private async Task RecheckAsync(CancellationToken cancellationToken)
    {
        _rechecked = await Session.HealthGateAsync(cancellationToken).ConfigureAwait(false);
        SafetyRules.CheckRemove(MembershipView.From(_rechecked), _replica, _force, forRepair: true);
    }

    private Task RemoveAsync(CancellationToken cancellationToken) =>
        new RemoveReplicaFlow(Session, _rechecked!, Session.RequireReplica(_replica), _force, forRepair: true).RunAsync(cancellationToken);

    private async Task AddAsync(CancellationToken cancellationToken)
    {
        var health = await Session.HealthGateAsync(cancellationToken).ConfigureAwait(false);
        SafetyRules.CheckAdd(MembershipView.From(health), forRepair: true);
        var add = new AddReplicaFlow(Session, health, _zone);
        await add.RunAsync(cancellationToken).ConfigureAwait(false);
        Replacement = add.Replica;
    }

    /// <summary>Past the point of no return once the old replica is gone: its removal (own entry) has been finished.</summary>
    public override Task<bool> IsPastPointOfNoReturnAsync(string journaledStep, CancellationToken cancellationToken) =>
        Task.FromResult(Session.State.FindReplica(_replica) is null);

    /// <summary>
    /// Adds the replacement unless one was added after the repair began. If it cannot be added now
    /// (the add rolled itself back), the repair is given up with a warning that says what the cluster
    /// lacks: a journal that retried it would hold back every other command, the repair of what stops
    /// it included. An add that failed past its own point of no return keeps its entry, inside this
    /// one, for the next command to finish.
    /// </summary>
    public override async Task FinishAsync(CancellationToken cancellationToken)
    {
        if (Session.State.Replicas.Any(r => r.CreatedAt >= _startedAt)) return;
        try
        {
            await AddAsync(cancellationToken).ConfigureAwait(false);
            Session.Observer.Warning($"The interrupted repair of '{_replica}' was finished: its replacement {Replacement!.Name} was added in zone {_zone}.");
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && Session.State.Pending?.Kind == OperationKind.RepairReplica)
        {
            Session.Observer.Warning($"The interrupted repair had removed '{_replica}' but its replacement could not be added ({FlowRunner.Describe(e)}): "
                + $"cluster '{Session.Name}' has {Wording.Counted(Session.State.Replicas.Count, "replica")}, one fewer than before. "
                + $"Add one when the cluster is healthy: Add-MasterReplica -Cluster {Session.Name} -Zone {_zone}.");
        }
    }

    /// <summary>The old replica is still there (its removal was rolled back or never began): nothing to undo.</summary>
    public override Task RollBackAsync(CancellationToken cancellationToken)
    {
        Session.Observer.Verbose($"The interrupted repair of '{_replica}' had not removed it: nothing to undo.");
        return Task.CompletedTask;
    }
}
