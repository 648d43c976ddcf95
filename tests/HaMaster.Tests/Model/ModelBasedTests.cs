using System.Collections.Concurrent;
using System.Diagnostics;
using Xunit.Abstractions;

namespace HaMaster.Tests.Model;

/// <summary>
/// Model-based test: seeded random sequences of add, remove, stop, start, repair, optimize and rollout on real Local
/// clusters, every step predicted by a pure model of docs/design.md §3 and every invariant checked after it.
/// Sequences run a few at a time on lanes, each lane with a state folder of its own.
/// </summary>
public sealed class ModelBasedTests
{
    /// <summary>After this many failing sequences the rest are not started: the report is long enough.</summary>
    private const int MaxFailures = 3;

    private readonly ITestOutputHelper _output;
    private readonly ConcurrentQueue<string> _failures = new();
    private readonly ConcurrentDictionary<string, int> _outcomes = new();
    private int _sequences;
    private int _steps;

    public ModelBasedTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public void Random_sequences_of_replica_operations_keep_every_invariant()
    {
        var seeds = new ConcurrentQueue<int>(ModelSettings.Seeds());
        var watch = Stopwatch.StartNew();
        var lanes = Enumerable.Range(0, Math.Min(ModelSettings.Lanes(), seeds.Count))
            .Select(_ => new Thread(() => RunLane(seeds, watch)) { IsBackground = true })
            .ToList();
        lanes.ForEach(lane => lane.Start());
        lanes.ForEach(lane => lane.Join());

        _output.WriteLine($"{_sequences} sequences, {_steps} steps, {watch.Elapsed.TotalMinutes:0.0} min on {lanes.Count} lanes");
        foreach (var (outcome, count) in _outcomes.OrderBy(o => o.Key, StringComparer.Ordinal)) _output.WriteLine($"  {outcome}: {count}");
        Assert.True(_failures.IsEmpty, string.Join(Environment.NewLine + Environment.NewLine, _failures));
    }

    /// <summary>Runs sequences one after another until the seeds run out (or too many failed).</summary>
    private void RunLane(ConcurrentQueue<int> seeds, Stopwatch watch)
    {
        PowerShellSession? ps = null;
        try
        {
            while (_failures.Count < MaxFailures && seeds.TryDequeue(out var seed))
            {
                ps ??= new PowerShellSession();
                var sequence = new ModelSequence(seed, ps, outcome => _outcomes.AddOrUpdate(outcome, 1, (_, n) => n + 1));
                var started = watch.Elapsed;
                try
                {
                    sequence.Run();
                    _output.WriteLine($"seed {seed}: {sequence.StepsRun} steps in {(watch.Elapsed - started).TotalSeconds:0} s");
                }
                catch (Exception e)
                {
                    _failures.Enqueue(e.Message);
                    _output.WriteLine($"seed {seed}: FAILED after {sequence.StepsRun} steps");
                    // A failed sequence may leave anything behind: the next one gets a new state folder.
                    ps.Dispose();
                    ps = null;
                }
                Interlocked.Increment(ref _sequences);
                Interlocked.Add(ref _steps, sequence.StepsRun);
            }
        }
        catch (Exception e)
        {
            // An exception escaping a thread would end the test process: report it as a failure instead.
            _failures.Enqueue($"A lane of the model-based test failed: {e}");
        }
        finally
        {
            try
            {
                ps?.Dispose();
            }
            catch (Exception e)
            {
                _failures.Enqueue($"A lane's state folder could not be cleaned up: {e}");
            }
        }
    }
}
