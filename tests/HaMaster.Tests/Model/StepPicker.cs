namespace HaMaster.Tests.Model;

/// <summary>
/// Draws the next step from a seeded <see cref="Random"/> among those meaningful in the model's
/// state, refusals included (the last replica, a stop that would lose quorum, growing an unhealthy
/// cluster...). Weights favour three to five replicas, where quorum arithmetic is interesting, and
/// starting replicas again or restoring once quorum is lost; a replica's data is lost now and then. Replicas are chosen by position, so a seed replays
/// the same sequence whatever names the cluster gives its replicas.
/// </summary>
public sealed class StepPicker
{
    /// <summary>Larger clusters cost time and show nothing new about quorum.</summary>
    public const int LargestCluster = 5;

    private readonly Random _random;
    private bool _drawn;

    public StepPicker(Random random) => _random = random;

    public ModelStep Next(ClusterModel model)
    {
        if (!_drawn)
        {
            _drawn = true;
            if (Opening() is { } growth) return growth;
        }

        var running = model.Replicas.Where(r => r.Running).ToList();
        var stopped = model.Replicas.Where(r => !r.Running).ToList();
        var candidates = new List<(double Weight, Func<ModelStep> Make)>
        {
            (AddWeight(model), () => new ModelStep(StepKind.Add)),
            (model.Count == 1 ? 0.5 : model.Count >= 4 ? 3 : 2, () => new ModelStep(StepKind.Remove, Any(model.Replicas).Name, Force: Chance(0.3))),
            (running.Count > 0 ? 3 : 0, () => Stop(model, running, stopped)),
            (stopped.Count == 0 ? 0.3 : model.HasQuorum ? 3 : 6, () => new ModelStep(StepKind.Start, Any(stopped.Count > 0 ? stopped : running).Name)),
            (model.Count == 1 ? 0.5 : 2, () => Repair(model, stopped)),
            (0.8, () => new ModelStep(StepKind.Optimize)),
            (model.Count <= 3 ? 0.5 : 0, () => new ModelStep(StepKind.Rollout)),
            (model.Replicas.Any(r => !r.DataLost) ? 0.7 : 0, () => new ModelStep(StepKind.LoseData, Any(model.Replicas.Where(r => !r.DataLost).ToList()).Name)),
            (model.HasQuorum ? 0.2 : 4, () => new ModelStep(StepKind.Restore, Force: model.HasQuorum && Chance(0.5))),
        };
        var roll = _random.NextDouble() * candidates.Sum(c => c.Weight);
        foreach (var (weight, make) in candidates)
        {
            if (roll < weight) return make();
            roll -= weight;
        }
        return candidates.Last(c => c.Weight > 0).Make();
    }

    /// <summary>
    /// Most sequences open by growing the new cluster with one -Count add, so that their few steps
    /// reach the quorum arithmetic of three to five replicas; the others start from one replica.
    /// </summary>
    private ModelStep? Opening()
    {
        int[] counts = [0, 1, 2, 2, 3, 4];
        var count = counts[_random.Next(counts.Length)];
        return count == 0 ? null : new ModelStep(StepKind.Add, Count: count);
    }

    /// <summary>Grow towards three; past the largest cluster only when some replica is stopped (a refusal).</summary>
    private static double AddWeight(ClusterModel model) => model.Count switch
    {
        < 3 => 4,
        3 => 2,
        < LargestCluster => 1,
        _ => model.RunningCount < model.Count ? 0.5 : 0,
    };

    private ModelStep Stop(ClusterModel model, List<ModelReplica> running, List<ModelReplica> stopped)
    {
        var target = stopped.Count > 0 && Chance(0.1) ? Any(stopped) : Any(running);
        var refusedWithoutForce = !model.Predict(new ModelStep(StepKind.Stop, target.Name)).IsAllowed;
        return new ModelStep(StepKind.Stop, target.Name, Force: Chance(refusedWithoutForce ? 0.5 : 0.2), Graceful: Chance(0.5));
    }

    /// <summary>Mostly the stopped replica (what repair is for); a healthy one always with -Force, which skips the question.</summary>
    private ModelStep Repair(ClusterModel model, List<ModelReplica> stopped)
    {
        var target = stopped.Count > 0 && Chance(0.7) ? Any(stopped) : Any(model.Replicas);
        return new ModelStep(StepKind.Repair, target.Name, Force: model.IsHealthy(target) || Chance(0.5));
    }

    private ModelReplica Any(IReadOnlyList<ModelReplica> replicas) => replicas[_random.Next(replicas.Count)];

    private bool Chance(double probability) => _random.NextDouble() < probability;
}
