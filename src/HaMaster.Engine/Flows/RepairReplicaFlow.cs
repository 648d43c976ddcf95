using HaMaster.Engine.Backups;
using HaMaster.Engine.Health;
using HaMaster.Engine.Model;
using HaMaster.Engine.Safety;

namespace HaMaster.Engine.Flows;

/// <summary>
/// Replaces a replica (safety rule 5): once the removal is allowed and a backup is taken (rule 12), the
/// old one is removed first, then a new one is added in the same zone, each half gated and checked on its own and journaled by its own flow, so an interruption
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
            new("check", $"Check that {replica.Name} may be replaced", CheckAsync),
            new("backup", "Back up the cluster (safety rule 12)", BackUpAsync),
            new("remove", $"Remove {replica.Name}", RemoveAsync),
            new("add", $"Add its replacement in zone {replica.Zone}", AddAsync),
        ];
    }

    public override string Activity => $"Replace replica {_replica.Name}";
    public override IReadOnlyList<FlowStep> Steps { get; }

    /// <summary>The replica that replaced the old one, once the flow has run.</summary>
    public ReplicaRecord? Replacement { get; private set; }

    private ClusterHealth? _checked;

    private async Task CheckAsync(CancellationToken cancellationToken)
    {
        _checked = await Session.HealthGateAsync(cancellationToken).ConfigureAwait(false);
        SafetyRules.CheckRemove(MembershipView.From(_checked), _replica.Name, _force, forRepair: true);
    }

    private Task BackUpAsync(CancellationToken cancellationToken) =>
        new BackupFlow(Session, _checked!, BackupReason.BeforeRepair, beforeCommand: "Repair-MasterReplica").TakeAsync(cancellationToken);

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
