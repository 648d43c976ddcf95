using HaMaster.Engine.Backups;
using HaMaster.Engine.Errors;
using HaMaster.Engine.Health;
using HaMaster.Engine.Model;
using HaMaster.Engine.Safety;

namespace HaMaster.Engine.Flows;

/// <summary>
/// Replaces every replica with a new one made with the cluster's current settings, new keys and
/// certificates included (docs/design.md §10.4): a backup first (rule 12), the new settings recorded
/// when the rollout changes some (Update-HaCluster -KubernetesVersion), then one replica at a time,
/// surge first as Cluster API does with maxSurge 1: a replacement added in the old one's zone and
/// waited for until the load balancer serves it, then the old one removed; followers first, the leader
/// last. The cluster never has fewer healthy voters than when it began. Each add and removal journals
/// itself inside this flow's entry, which lists the replicas to replace: an interrupted rollout is
/// finished by the next command, replacing only those still there.
/// </summary>
public sealed class RolloutFlow : Flow
{
    private readonly IReadOnlyList<string> _replacing;
    private readonly IReadOnlyDictionary<string, string> _settings;
    private readonly ClusterHealth? _health;
    private readonly string? _resumeAt;

    /// <summary>
    /// A rollout of every replica, decided on <paramref name="health"/> (the health gate's snapshot),
    /// that first records <paramref name="settings"/> (provider data entries; empty: none change).
    /// </summary>
    public RolloutFlow(ClusterSession session, ClusterHealth health, IReadOnlyDictionary<string, string> settings)
        : this(session, session.State.Replicas.Select(r => r.Name).ToList(), settings, health, resumeAt: null)
    {
    }

    private RolloutFlow(ClusterSession session, IReadOnlyList<string> replacing, IReadOnlyDictionary<string, string> settings, ClusterHealth? health, string? resumeAt)
        : base(session)
    {
        _replacing = replacing;
        _settings = settings;
        _health = health;
        _resumeAt = resumeAt;
        var backup = new FlowStep("backup", "Back up the cluster (safety rule 12)", BackUpAsync);
        var record = new FlowStep("settings", $"Record the new settings: {string.Join(", ", settings.Select(s => $"{s.Key} {s.Value}"))}", RecordAsync) { PointOfNoReturn = true };
        var replace = new FlowStep("replace", $"Replace {(replacing.Count == 1 ? "the replica" : $"the {replacing.Count} replicas one at a time")}, each new one served before an old one goes", ReplaceAsync) { PointOfNoReturn = true };
        Steps = settings.Count == 0 ? [backup, replace] : [backup, record, replace];
    }

    /// <summary>The rollout the journal says was interrupted.</summary>
    public static RolloutFlow Interrupted(ClusterSession session, PendingOperation pending) =>
        new(session, pending.Replacing ?? throw new HaException(ErrorIds.StateCorrupt,
                $"The journal of cluster '{session.Name}' names an interrupted rollout but not the replicas it replaces.",
                $"Run Update-HaCluster -Cluster {session.Name} -Rollout again.", session.Name),
            pending.ProviderSettings ?? new Dictionary<string, string>(), health: null, pending.Step);

    public override string Activity => $"Roll out new replicas of {Session.Name}";
    public override OperationKind? Journal => OperationKind.Rollout;
    public override IReadOnlyList<string>? Replacing => _replacing;
    public override IReadOnlyDictionary<string, string>? ProviderSettings => _settings.Count == 0 ? null : _settings;
    public override IReadOnlyList<FlowStep> Steps { get; }

    /// <summary>
    /// Goes on from the step the journal names: the backup is not taken twice. If it cannot go on now
    /// (the change in it rolled itself back), the rollout is given up with a warning naming the
    /// replicas still old: a journal retried by every command would hold back every change, the
    /// repair of what stops the rollout included. A change in it that failed past its own point of
    /// no return keeps its entry, inside this one, for the next command.
    /// </summary>
    public override async Task FinishAsync(CancellationToken cancellationToken)
    {
        try
        {
            await FlowRunner.RunStepsAsync(this, Session, Session.State.Pending, cancellationToken, from: _resumeAt).ConfigureAwait(false);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && Session.State.Pending?.Kind == OperationKind.Rollout)
        {
            var old = Session.State.Replicas.Where(r => _replacing.Contains(r.Name, StringComparer.OrdinalIgnoreCase)).Select(r => r.Name).ToList();
            Session.Observer.Warning($"The interrupted rollout of cluster '{Session.Name}' could not go on ({FlowRunner.Describe(e)}) and was given up: "
                + $"{Wording.Counted(old.Count, "replica")} of {_replacing.Count} still old ({string.Join(", ", old)}). "
                + $"Run Update-HaCluster -Cluster {Session.Name} -Rollout again once the cluster is healthy.");
        }
    }

    private async Task BackUpAsync(CancellationToken cancellationToken)
    {
        var health = _health ?? await Session.HealthGateAsync(cancellationToken).ConfigureAwait(false);
        await new BackupFlow(Session, health, BackupReason.BeforeUpdate, beforeCommand: "Update-HaCluster").TakeAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Every replica added from here on is made with the new settings. Idempotent.</summary>
    private Task RecordAsync(CancellationToken cancellationToken)
    {
        foreach (var (key, value) in _settings) Session.State.ProviderData[key] = value;
        Session.Save();
        return Task.CompletedTask;
    }

    /// <summary>
    /// Idempotent: a replica still listed is still old. When the cluster has more replicas than the
    /// rollout began with, the replacement of the next old one was added already (the command was
    /// interrupted between the add and the removal), so only the removal is left. The removal is
    /// decided on a snapshot that shows the replacement: without it, the old replica of a one-replica
    /// cluster would look like the last one.
    /// </summary>
    private async Task ReplaceAsync(CancellationToken cancellationToken)
    {
        var size = _replacing.Count;
        while (true)
        {
            var health = await Session.HealthGateAsync(cancellationToken).ConfigureAwait(false);
            var old = health.Replicas.Where(r => _replacing.Contains(r.Replica.Name, StringComparer.OrdinalIgnoreCase))
                .OrderBy(r => r.EtcdRole == EtcdRole.Leader).Select(r => r.Replica).FirstOrDefault();
            if (old is null) return;
            var number = size - health.Replicas.Count(r => _replacing.Contains(r.Replica.Name, StringComparer.OrdinalIgnoreCase)) + 1;
            Session.Progress.Report($"Replacing replica {number} of {size}: {old.Name}", 10 + 90 * (number - 1) / size);
            if (Session.State.Replicas.Count <= size)
                health = await AddReplacementAsync(health, old, cancellationToken).ConfigureAwait(false);
            SafetyRules.CheckRemove(MembershipView.From(health), old.Name, force: false);
            await new RemoveReplicaFlow(Session, health, old, force: false).RunAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<ClusterHealth> AddReplacementAsync(ClusterHealth health, ReplicaRecord old, CancellationToken cancellationToken)
    {
        SafetyRules.CheckAdd(MembershipView.From(health));
        var add = new AddReplicaFlow(Session, health, old.Zone);
        await add.RunAsync(cancellationToken).ConfigureAwait(false);
        var timeout = Session.Options.ReadyTimeout;
        if (!await Session.WaitServedAsync(add.Replica, timeout, cancellationToken).ConfigureAwait(false))
            throw new HaException(ErrorIds.ReplicaNotReady,
                $"The replacement {add.Replica.Name} of {old.Name} was not served by the load balancer within {timeout.TotalSeconds:0} s; {old.Name} was kept.",
                $"See its Problems with Get-MasterReplica -Cluster {Session.Name} -Name {add.Replica.Name}; any command on cluster {Session.Name} goes on with the rollout.",
                add.Replica.Name);
        return await Session.HealthGateAsync(cancellationToken).ConfigureAwait(false);
    }
}
