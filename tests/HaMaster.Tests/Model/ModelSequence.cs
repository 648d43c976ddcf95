using System.Diagnostics;
using System.Text;

namespace HaMaster.Tests.Model;

/// <summary>
/// One seeded sequence on one real Local cluster: New-HaCluster, 4 to 8 steps drawn by the
/// <see cref="StepPicker"/>, each predicted by the <see cref="ClusterModel"/> and checked against
/// the <see cref="Invariants"/>, then Remove-HaCluster, after which nothing may be left. Steps go
/// through the cmdlets, as a user's would.
/// </summary>
public sealed class ModelSequence
{
    /// <summary>How long the cluster may take to settle after a step (HAProxy's health checks, an etcd election) on a loaded machine.</summary>
    public static readonly TimeSpan SettleTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Between two looks at a cluster that has not settled yet: each look costs a few TLS handshakes, and other tests share the cores.</summary>
    private static readonly TimeSpan SettleInterval = TimeSpan.FromMilliseconds(250);

    private readonly int _seed;
    private readonly PowerShellSession _ps;
    private readonly string _cluster;
    private readonly StringBuilder _log = new();
    private readonly Action<string> _count;

    /// <summary>Keys written before a replica lost its data, each with a revision it was acknowledged by: a restore from a source at or past it keeps it.</summary>
    private readonly List<(string Key, long Revision)> _acknowledged = [];

    /// <param name="count">Told the outcome of every step ("Stop allowed", "Remove refused (LastReplica)"), for the run's summary.</param>
    public ModelSequence(int seed, PowerShellSession ps, Action<string> count)
    {
        _seed = seed;
        _ps = ps;
        _count = count;
        _cluster = $"mbt-{seed}";
    }

    public int StepsRun { get; private set; }

    public void Run()
    {
        var random = new Random(_seed);
        var length = random.Next(4, 9);
        var picker = new StepPicker(random);

        Perform($"New-HaCluster -Name {_cluster} -MultiZone");
        var model = new ClusterModel(_cluster);
        using (var probe = new ClusterProbe(_ps.Home, _cluster))
        {
            var seen = Settle(model, probe);
            for (var number = 1; number <= length; number++)
                seen = RunStep(number, picker.Next(model), model, probe, seen);

            Perform($"Remove-HaCluster -Name {_cluster} -Force");
            var gone = probe.Observe();
            var left = Invariants.RemovalViolations(gone);
            if (left.Count > 0) Fail($"Remove-HaCluster left: {string.Join("; ", left)}", gone);
        }
        var homeEntries = Directory.EnumerateFileSystemEntries(_ps.Home).ToList();
        if (homeEntries.Count > 0) Fail($"the state folder is not empty after Remove-HaCluster: {string.Join(", ", homeEntries)}", null);
    }

    /// <summary>
    /// Runs one step through its cmdlet: an allowed step must succeed and is applied to the model; a
    /// refused one must fail with the predicted error id and leave the cluster exactly as it was.
    /// Then every invariant must hold. Returns the cluster as it settled.
    /// </summary>
    private ClusterObservation RunStep(int number, ModelStep step, ClusterModel model, ClusterProbe probe, ClusterObservation before)
    {
        var expected = model.Predict(step);
        var script = step.Script(_cluster);
        _log.AppendLine($"{number}. {script}    [model before: {model}; expected: {expected}]");
        var watch = Stopwatch.StartNew();
        var result = step.Kind == StepKind.LoseData ? LoseData(number, model.Find(step.Replica!), model, probe) : _ps.Run(script);
        _log.AppendLine($"   took {watch.Elapsed.TotalSeconds:0.0} s; errors: {Describe(result.Errors)}");
        StepsRun++;
        if (expected.IsAllowed)
        {
            if (result.Errors.Count > 0) Fail($"step {number} should have been allowed, but failed", probe.Observe());
            model.Apply(step, NewReplicas(step, model, result, probe));
            if (step.Kind == StepKind.Restore) CheckKeysKept(result, probe);
            _count($"{step.Kind}{(step.Count > 1 ? " -Count" : "")}{(step.Force && step.Kind == StepKind.Restore ? " -Force" : "")} allowed");
        }
        else
        {
            var errorId = result.Errors.Count == 1 ? result.Errors[0].FullyQualifiedErrorId.Split(',')[0] : null;
            if (errorId != expected.RefusedWith) Fail($"step {number} should have been refused with {expected.RefusedWith}", probe.Observe());
            var after = probe.Observe();
            if (after.Fingerprint() != before.Fingerprint())
                Fail($"step {number} was refused but changed the cluster:{Environment.NewLine}before:{Environment.NewLine}{before.Fingerprint()}{Environment.NewLine}after:{Environment.NewLine}{after.Fingerprint()}", after);
            _count($"{step.Kind} refused ({expected.RefusedWith})");
        }
        return Settle(model, probe);
    }

    /// <summary>
    /// A dead disk: a key is written first while the cluster takes writes (for the restore to keep),
    /// then the replica's processes are killed through the cmdlet and its etcd data deleted by hand.
    /// </summary>
    private PowerShellSession.Result LoseData(int number, ModelReplica replica, ClusterModel model, ClusterProbe probe)
    {
        if (model.HasQuorum)
        {
            var key = $"/mbt/{_seed}/{number}";
            if (probe.Write(key, replica.Name) is { } revision) _acknowledged.Add((key, revision));
        }
        var result = replica.Running ? _ps.Run($"Stop-MasterReplica -Cluster {_cluster} -Name {replica.Name} -Force") : new PowerShellSession.Result([], [], [], [], []);
        var data = Path.Combine(_ps.Home, "clusters", _cluster, "replicas", replica.Name, "etcd-data");
        if (Directory.Exists(data)) Directory.Delete(data, recursive: true);
        return result;
    }

    /// <summary>Every key acknowledged at or before the restore's source revision is readable; the others may be lost and are forgotten.</summary>
    private void CheckKeysKept(PowerShellSession.Result result, ClusterProbe probe)
    {
        var restore = result.Output.OfType<HaClusterRestore>().Single();
        _log.AppendLine($"   restored from {restore.Source} at revision {restore.Revision}");
        var kept = _acknowledged.Where(k => restore.Revision > 0 && k.Revision <= restore.Revision).ToList();
        foreach (var (key, revision) in kept)
            if (probe.Read(key) is null) Fail($"key {key}, acknowledged by revision {revision}, is gone after a restore from revision {restore.Revision}", probe.Observe());
        _acknowledged.Clear();
        _acknowledged.AddRange(kept);
    }

    /// <summary>Waits until every invariant holds; fails with the last violations when they do not within <see cref="SettleTimeout"/>.</summary>
    private ClusterObservation Settle(ClusterModel model, ClusterProbe probe)
    {
        var deadline = DateTime.UtcNow + SettleTimeout;
        while (true)
        {
            var seen = probe.Observe();
            var violations = Invariants.Violations(model, seen);
            if (violations.Count == 0) return seen;
            if (DateTime.UtcNow > deadline)
                Fail($"invariants did not hold within {SettleTimeout.TotalSeconds:0} s of the last step (model: {model}):{Environment.NewLine}  - {string.Join(Environment.NewLine + "  - ", violations)}", seen);
            Thread.Sleep(SettleInterval);
        }
    }

    /// <summary>
    /// The replicas an add, a repair, a rollout or a restore made, from its output objects (for a
    /// restore, the replicas after it). A rollout and a restore leave as many replicas as before, in
    /// the zones the old ones had (RolloutTests and RestoreTests check that each is new).
    /// </summary>
    private IReadOnlyList<(string Name, string Zone)> NewReplicas(ModelStep step, ClusterModel model, PowerShellSession.Result result, ClusterProbe probe)
    {
        if (step.Kind is not (StepKind.Add or StepKind.Repair or StepKind.Rollout or StepKind.Restore)) return [];
        var added = step.Kind == StepKind.Restore ? _ps.Get<MasterReplica>($"Get-MasterReplica {_cluster}") : result.Output.OfType<MasterReplica>().ToList();
        var whole = step.Kind is StepKind.Rollout or StepKind.Restore;
        var expected = whole ? model.Count : step.Count;
        if (added.Count != expected) Fail($"{step.Kind} wrote {added.Count} replicas instead of {expected}", probe.Observe());
        if (whole && !added.Select(r => r.Zone).Order().SequenceEqual(model.Replicas.Select(r => r.Zone).Order()))
            Fail($"the {step.Kind} did not keep the zones", probe.Observe());
        _log.AppendLine($"   new: {string.Join(", ", added.Select(r => $"{r.Name} in {r.Zone}"))}");
        return added.Select(r => (r.Name, r.Zone)).ToList();
    }

    private void Perform(string script)
    {
        _log.AppendLine(script);
        var result = _ps.Run(script);
        if (result.Errors.Count > 0) Fail($"'{script}' failed: {Describe(result.Errors)}", null);
    }

    private static string Describe(List<System.Management.Automation.ErrorRecord> errors) =>
        errors.Count == 0 ? "none" : string.Join(" | ", errors.Select(e => $"{e.FullyQualifiedErrorId}: {e.ErrorDetails?.Message ?? e.Exception.Message}"));

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private void Fail(string what, ClusterObservation? seen) =>
        throw new Xunit.Sdk.XunitException(
            $"Model-based sequence with seed {_seed} failed: {what}{Environment.NewLine}" +
            $"Steps:{Environment.NewLine}{_log}" +
            (seen is null ? "" : $"What the cluster looked like:{Environment.NewLine}{seen}{Environment.NewLine}") +
            $"Replay: {ModelSettings.ReplayHint(_seed)}");
}
