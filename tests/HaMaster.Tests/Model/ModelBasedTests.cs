using System.Collections.Concurrent;
using System.Diagnostics;
using Xunit.Abstractions;

namespace HaMaster.Tests.Model;

/// <summary>
/// Model-based test: seeded random sequences of add, remove, stop, start and repair on real Local
/// clusters, every step predicted by a pure model of DESIGN §3 and every invariant checked after it.
/// Sequences run a few at a time, each lane with a state folder of its own.
/// </summary>
public sealed class ModelBasedTests
{
    /// <summary>After this many failing sequences the rest are not started: the report is long enough.</summary>
    private const int MaxFailures = 3;

    private readonly ITestOutputHelper _output;

    public ModelBasedTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public void Random_sequences_of_replica_operations_keep_every_invariant()
    {
        var seeds = new ConcurrentQueue<int>(ModelSettings.Seeds());
        var failures = new ConcurrentQueue<string>();
        var outcomes = new ConcurrentDictionary<string, int>();
        var sequences = 0;
        var steps = 0;
        var watch = Stopwatch.StartNew();

        var lanes = Enumerable.Range(0, Math.Min(ModelSettings.Lanes(), seeds.Count)).Select(_ => new Thread(() =>
        {
            var ps = new PowerShellSession();
            try
            {
                while (failures.Count < MaxFailures && seeds.TryDequeue(out var seed))
                {
                    var sequence = new ModelSequence(seed, ps, outcome => outcomes.AddOrUpdate(outcome, 1, (_, n) => n + 1));
                    var started = watch.Elapsed;
                    try
                    {
                        sequence.Run();
                        _output.WriteLine($"seed {seed}: {sequence.StepsRun} steps in {(watch.Elapsed - started).TotalSeconds:0} s");
                    }
                    catch (Exception e)
                    {
                        failures.Enqueue(e.Message);
                        _output.WriteLine($"seed {seed}: FAILED after {sequence.StepsRun} steps");
                        // A failed sequence may leave anything behind: the lane goes on with a clean state folder.
                        ps.Dispose();
                        ps = new PowerShellSession();
                    }
                    Interlocked.Increment(ref sequences);
                    Interlocked.Add(ref steps, sequence.StepsRun);
                }
            }
            finally
            {
                ps.Dispose();
            }
        })).ToList();
        lanes.ForEach(lane => lane.Start());
        lanes.ForEach(lane => lane.Join());

        _output.WriteLine($"{sequences} sequences, {steps} steps, {watch.Elapsed.TotalMinutes:0.0} min on {lanes.Count} lanes");
        foreach (var (outcome, count) in outcomes.OrderBy(o => o.Key)) _output.WriteLine($"  {outcome}: {count}");
        Assert.True(failures.IsEmpty, string.Join(Environment.NewLine + Environment.NewLine, failures));
    }
}
