using HaMaster.Engine.Errors;

namespace HaMaster.Tests.Model;

/// <summary>
/// A pure model of one Local cluster: its replicas, which of them run, and what docs/design.md §3 says about
/// each operation. A replica is healthy when it runs and a majority of the replicas runs (without a
/// quorum no API endpoint is ready). The model knows nothing of the engine's code: its rules are
/// written from the contract, so that the engine is checked against them.
/// </summary>
public sealed class ClusterModel
{
    public static readonly IReadOnlyList<string> Zones = ["local-a", "local-b", "local-c"];

    /// <summary>etcd's recommended maximum, past which an add is refused.</summary>
    public const int MaxReplicas = 7;

    private readonly List<ModelReplica> _replicas;

    /// <summary>A cluster just created: its first replica, named after it, in the first zone.</summary>
    public ClusterModel(string cluster) => _replicas = [new ModelReplica($"{cluster}-master", Zones[0], Running: true)];

    public IReadOnlyList<ModelReplica> Replicas => _replicas;

    /// <summary>Whether a verified backup exists: rule 12 takes one before every add, removal, repair, rollout and restore carried out.</summary>
    public bool HasBackup { get; private set; }
    public int Count => _replicas.Count;
    public int RunningCount => _replicas.Count(r => r.Running);

    public static int QuorumOf(int voters) => voters / 2 + 1;

    public bool HasQuorum => RunningCount >= QuorumOf(Count);
    /// <summary>Healthy as Get-MasterReplica says: a replica is unhealthy only for a fault of its own (here: not running); a lost quorum is the cluster's problem.</summary>
    public bool IsHealthy(ModelReplica replica) => replica.Running;
    public IEnumerable<ModelReplica> HealthyReplicas => _replicas.Where(IsHealthy);
    /// <summary>The replicas whose API is ready, so the load balancer keeps them in rotation: running, with a quorum.</summary>
    public IEnumerable<ModelReplica> ServingReplicas => _replicas.Where(r => r.Running && HasQuorum);
    public int HealthyCount => HealthyReplicas.Count();

    public ModelReplica Find(string name) => _replicas.Single(r => r.Name == name);

    /// <summary>The zone an add without -Zone picks on a multi-zone cluster: the one with the fewest replicas, the provider's first on a tie (OrderBy is stable).</summary>
    public string ZoneForNewReplica() => Zones.OrderBy(z => _replicas.Count(r => r.Zone == z)).First();

    public Expectation Predict(ModelStep step) => step.Kind switch
    {
        StepKind.Add => PredictAdd(step.Count),
        StepKind.Remove => PredictRemoval(Find(step.Replica!), step.Force),
        StepKind.Stop => PredictStop(Find(step.Replica!), step.Force),
        StepKind.Start => Find(step.Replica!).DataLost ? Expectation.Refused(ErrorIds.ReplicaDataLost) : Expectation.Allowed,
        StepKind.Repair => PredictRepair(Find(step.Replica!), step.Force),
        StepKind.Optimize or StepKind.Rollout => PredictOneAtATime(),
        StepKind.LoseData => Expectation.Allowed,
        StepKind.Restore => PredictRestore(step.Force),
        _ => throw new ArgumentOutOfRangeException(nameof(step)),
    };

    /// <summary>
    /// Rules 3 and 4: only a healthy cluster grows, and never past etcd's maximum. (An add of several
    /// replicas that would cross the maximum half-way is not modelled; the picker draws none.)
    /// </summary>
    private Expectation PredictAdd(int count)
    {
        if (HealthyCount < Count) return Expectation.Refused(ErrorIds.ClusterUnhealthy);
        if (Count >= MaxReplicas) return Expectation.Refused(ErrorIds.ReplicaLimitReached);
        if (Count + count > MaxReplicas) throw new ArgumentOutOfRangeException(nameof(count), "An add that crosses the maximum half-way is not modelled.");
        return Expectation.Allowed;
    }

    /// <summary>
    /// Rule 10 (never the last replica), then rule 3 (a quorum read must succeed), rule 4 (the healthy
    /// voters left must make a quorum of the voters left, -Force or not), and on an unhealthy cluster
    /// only an unhealthy replica goes without -Force.
    /// </summary>
    private Expectation PredictRemoval(ModelReplica target, bool force)
    {
        if (Count == 1) return Expectation.Refused(ErrorIds.LastReplica);
        if (!HasQuorum) return Expectation.Refused(ErrorIds.ClusterUnhealthy);
        if (HealthyAfterRemoving(target) < QuorumOf(Count - 1)) return Expectation.Refused(ErrorIds.QuorumWouldBeLost);
        if (!force && _replicas.Any(r => r != target && !IsHealthy(r))) return Expectation.Refused(ErrorIds.ClusterUnhealthy);
        return Expectation.Allowed;
    }

    /// <summary>A stop that leaves fewer healthy replicas than the quorum is refused without -Force (the only replica included).</summary>
    private Expectation PredictStop(ModelReplica target, bool force)
    {
        if (force || !IsHealthy(target)) return Expectation.Allowed;
        return HealthyCount - 1 < QuorumOf(Count) ? Expectation.Refused(ErrorIds.QuorumWouldBeLost) : Expectation.Allowed;
    }

    /// <summary>
    /// Rule 5: a repair removes first, then adds, and is judged as a whole before anything changes.
    /// While another replica is unhealthy etcd admits no new member, so only the unhealthy replica
    /// may be repaired, -Force or not. With every other replica healthy the add half keeps quorum.
    /// </summary>
    private Expectation PredictRepair(ModelReplica target, bool force)
    {
        var removal = PredictRemoval(target, force);
        if (!removal.IsAllowed) return removal;
        return _replicas.Any(r => r != target && !IsHealthy(r)) ? Expectation.Refused(ErrorIds.ClusterUnhealthy) : Expectation.Allowed;
    }

    /// <summary>
    /// §10.4 and §10.5: an optimize takes each member out of service in turn, and a rollout adds before
    /// it removes while etcd admits no new member with a voter down, so both need every replica healthy
    /// (which a cluster without quorum never is here). Optimizing changes no replica; a rollout
    /// replaces each by a new one in its zone.
    /// </summary>
    private Expectation PredictOneAtATime() =>
        HealthyCount < Count ? Expectation.Refused(ErrorIds.ClusterUnhealthy) : Expectation.Allowed;

    /// <summary>
    /// §10.2: the one command that acts without quorum; with quorum only with -Force. Without a source
    /// named it restores from a replica that still has its data (started first when stopped) or from
    /// the newest verified backup; with neither there is nothing to restore from.
    /// </summary>
    private Expectation PredictRestore(bool force)
    {
        if (HasQuorum && !force) return Expectation.Refused(ErrorIds.ClusterHasQuorum);
        return _replicas.All(r => r.DataLost) && !HasBackup ? Expectation.Refused(ErrorIds.NoRestoreSource) : Expectation.Allowed;
    }

    private int HealthyAfterRemoving(ModelReplica target) => HealthyCount - (IsHealthy(target) ? 1 : 0);

    /// <summary>
    /// Applies a step the cluster carried out; <paramref name="newReplicas"/> are the replicas it added,
    /// in order (their zones are the cluster's word, used only for a rollout or a restore, whose zones
    /// the caller checked as a whole: which old zone went to which new replica depends on which
    /// replica led, or which one the restore kept).
    /// </summary>
    public void Apply(ModelStep step, IReadOnlyList<(string Name, string Zone)> newReplicas)
    {
        if (step.Kind is StepKind.Add or StepKind.Remove or StepKind.Repair or StepKind.Rollout or StepKind.Restore) HasBackup = true;
        switch (step.Kind)
        {
            case StepKind.Add:
                foreach (var (name, _) in newReplicas) _replicas.Add(new ModelReplica(name, ZoneForNewReplica(), Running: true));
                break;
            case StepKind.Remove:
                _replicas.Remove(Find(step.Replica!));
                break;
            case StepKind.Stop:
                Replace(step.Replica!, running: false);
                break;
            case StepKind.Start:
                Replace(step.Replica!, running: true);
                break;
            case StepKind.Repair:
                var repaired = Find(step.Replica!);
                _replicas.Remove(repaired);
                _replicas.Add(new ModelReplica(newReplicas.Single().Name, repaired.Zone, Running: true));
                break;
            case StepKind.LoseData:
                var lost = _replicas.FindIndex(r => r.Name == step.Replica);
                _replicas[lost] = _replicas[lost] with { Running = false, DataLost = true };
                break;
            case StepKind.Rollout or StepKind.Restore:
                _replicas.Clear();
                _replicas.AddRange(newReplicas.Select(r => new ModelReplica(r.Name, r.Zone, Running: true)));
                break;
        }
    }

    private void Replace(string name, bool running)
    {
        var index = _replicas.FindIndex(r => r.Name == name);
        _replicas[index] = _replicas[index] with { Running = running };
    }

    public override string ToString() =>
        $"[{string.Join(", ", _replicas.Select(r => $"{r.Name} {r.Zone} {(r.Running ? "running" : "stopped")}{(r.DataLost ? " data lost" : "")}"))}] quorum {(HasQuorum ? "kept" : "lost")}{(HasBackup ? ", backed up" : "")}";
}
