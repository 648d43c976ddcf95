using HaMaster.Engine.Model;
using HaMaster.Engine.Safety;

namespace HaMaster.Engine.Flows;

/// <summary>
/// Replaces a replica (safety rule 5): the old one is removed first, then a new one is added in the
/// same zone, each half gated and checked on its own and journaled by its own flow, so an interruption
/// is finished or rolled back as that half's flow decides.
/// </summary>
public sealed class RepairReplicaFlow : Flow
{
    private readonly ReplicaRecord _replica;
    private readonly bool _force;

    public RepairReplicaFlow(ClusterSession session, ReplicaRecord replica, bool force) : base(session)
    {
        _replica = replica;
        _force = force;
        Steps =
        [
            new("remove", $"Remove {replica.Name}", RemoveAsync),
            new("add", $"Add its replacement in zone {replica.Zone}", AddAsync),
        ];
    }

    public override string Activity => $"Replace replica {_replica.Name}";
    public override IReadOnlyList<FlowStep> Steps { get; }

    /// <summary>The replica that replaced the old one, once the flow has run.</summary>
    public ReplicaRecord? Replacement { get; private set; }

    private async Task RemoveAsync(CancellationToken cancellationToken)
    {
        var health = await Session.HealthGateAsync(cancellationToken).ConfigureAwait(false);
        SafetyRules.CheckRemove(MembershipView.From(health), _replica.Name, _force, forRepair: true);
        await new RemoveReplicaFlow(Session, health, _replica, _force, forRepair: true).RunAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task AddAsync(CancellationToken cancellationToken)
    {
        var health = await Session.HealthGateAsync(cancellationToken).ConfigureAwait(false);
        SafetyRules.CheckAdd(MembershipView.From(health), forRepair: true);
        var add = new AddReplicaFlow(Session, health, _replica.Zone);
        await add.RunAsync(cancellationToken).ConfigureAwait(false);
        Replacement = add.Replica;
    }
}
