using HaMaster.Engine.Errors;
using HaMaster.Engine.Flows;
using HaMaster.Engine.Model;
using HaMaster.Engine.State;
using HaMaster.Engine.Tests.Fakes;
using Xunit;

namespace HaMaster.Engine.Tests.Flows;

/// <summary>
/// Safety rule 9 (docs/design.md §3, §8), step by step, in milliseconds: every flow is interrupted
/// before each of its steps, once as a killed process (the journal and the world are left as they
/// were at that moment, and the next command resolves them) and once as a failure in the process
/// (the flow decides at once). Each row says what the design promises: rolled back, finished, or
/// the cluster gone. The real-process tests show the same on real etcd and HAProxy for a few steps.
/// </summary>
public sealed class InterruptedFlowTests : IDisposable
{
    public enum Outcome { RolledBack, Finished, Gone }

    private const string Cluster = "fk";
    private readonly string _root = Path.Combine(Path.GetTempPath(), "hm-flows-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly FakeWorld _world = new();
    private (string Step, bool Kill)? _armed;
    private (string State, FakeWorld World)? _killedAt;

    public static TheoryData<string, Outcome> AddKilled => new()
    {
        { "record", Outcome.RolledBack }, { "certificates", Outcome.RolledBack }, { "member-add", Outcome.RolledBack },
        { "start", Outcome.RolledBack }, { "promote", Outcome.RolledBack },
        { "wait-ready", Outcome.Finished }, { "load-balancer", Outcome.Finished },
    };

    public static TheoryData<string, Outcome> AddFailed => new()
    {
        { "record", Outcome.RolledBack }, { "certificates", Outcome.RolledBack }, { "member-add", Outcome.RolledBack },
        { "start", Outcome.RolledBack }, { "promote", Outcome.RolledBack }, { "wait-ready", Outcome.RolledBack },
        { "load-balancer", Outcome.Finished },
    };

    public static TheoryData<string, Outcome> RemoveKilled => new()
    {
        { "record", Outcome.RolledBack }, { "drain", Outcome.RolledBack }, { "move-leader", Outcome.RolledBack },
        { "recheck", Outcome.RolledBack }, { "member-remove", Outcome.RolledBack }, { "delete", Outcome.Finished },
    };

    public static TheoryData<string, Outcome> RemoveFailed => RemoveKilled;

    /// <summary>A repair's own steps, then those of its removal and of its replacement's add.</summary>
    public static TheoryData<string, Outcome> RepairKilled => new()
    {
        { "check", Outcome.RolledBack }, { "remove", Outcome.RolledBack }, { "drain", Outcome.RolledBack }, { "member-remove", Outcome.RolledBack },
        { "delete", Outcome.Finished }, { "add", Outcome.Finished }, { "member-add", Outcome.Finished },
        { "promote", Outcome.Finished }, { "wait-ready", Outcome.Finished }, { "load-balancer", Outcome.Finished },
    };

    public static TheoryData<string> CreateSteps => new() { "record", "certificates", "start", "wait-ready", "frontend" };

    public static TheoryData<string> RemoveClusterSteps => new() { "address", "delete-replica", "state" };

    /// <summary>A restore's own steps, then the steps of the first replica it adds back: fencing is its point of no return.</summary>
    public static TheoryData<string> RestoreSteps => new() { "fence", "restore-data", "remove-others", "start", "frontend", "add-back", "member-add", "promote", "load-balancer" };

    /// <summary>Optimize's own steps and those of the first member it defragments: each member's drain is its point of no return.</summary>
    public static TheoryData<string> OptimizeSteps => new() { "compact", "drain", "move-leader", "load-balancer", "wait-served", "disarm" };

    [Theory]
    [MemberData(nameof(OptimizeSteps))]
    public async Task An_optimize_killed_before_a_step_leaves_every_replica_served_once_resolved(string step)
    {
        await ThreeReplicasAsync();
        await KillAsync(step, engine => engine.OptimizeAsync(Cluster, CancellationToken.None));
        await ResolveAsync();
        AssertOutcome(Outcome.Finished, "", replicasAfterFinish: 3);
    }

    /// <summary>A rollout's own steps, then those of its first replacement's add and of the first old replica's removal.</summary>
    public static TheoryData<string> RolloutSteps => new() { "backup", "replace", "record", "promote", "load-balancer", "drain", "member-remove", "delete" };

    [Theory]
    [MemberData(nameof(RolloutSteps))]
    public async Task A_rollout_killed_before_a_step_is_finished_by_the_next_command_with_every_replica_new(string step)
    {
        await ThreeReplicasAsync();
        var old = Store().Load(Cluster).Replicas.Select(r => (r.Name, r.CreatedAt)).ToList();

        await KillAsync(step, engine => engine.RolloutAsync(Cluster, CancellationToken.None));
        await ResolveAsync();

        var rolledOutBeforeTheKill = step is not "backup";
        AssertOutcome(Outcome.Finished, "", replicasAfterFinish: 3);
        Assert.Equal(rolledOutBeforeTheKill ? 0 : 3, Store().Load(Cluster).Replicas.Count(r => old.Contains((r.Name, r.CreatedAt))));
    }

    [Fact]
    public async Task A_rollout_that_cannot_go_on_when_finished_is_given_up_with_the_replicas_still_old_named()
    {
        await ThreeReplicasAsync();
        await KillAsync("promote", engine => engine.RolloutAsync(Cluster, CancellationToken.None));

        _armed = ("member-add", Kill: false);
        var warnings = await ResolveAsync();

        AssertOutcome(Outcome.Finished, "", replicasAfterFinish: 3);
        var old = string.Join(", ", Store().Load(Cluster).Replicas.Select(r => r.Name));
        Assert.Contains(warnings, w => w.Contains("could not go on (injected failure) and was given up: 3 replicas of 3 still old")
            && w.Contains(old) && w.Contains($"Update-HaCluster -Cluster {Cluster} -Rollout"));
    }

    [Theory]
    [InlineData("backup")]
    [InlineData("settings")]
    [InlineData("replace")]
    public async Task A_rollout_to_new_settings_killed_before_a_step_records_them_and_replaces_every_replica_only_past_the_backup(string step)
    {
        var before = await ThreeReplicasAsync();
        var change = new Providers.ReplicaSettingsChange(MachineType: "large");

        await KillAsync(step, engine => engine.UpdateAsync(Cluster, change, rollout: false, force: false, CancellationToken.None));
        await ResolveAsync();

        var state = Store().Load(Cluster);
        Assert.Null(state.Pending);
        if (step is "backup")
        {
            Assert.False(state.ProviderData.ContainsKey(FakeReplicaProvider.MachineTypeKey));
            Assert.All(_world.Machines.Values, m => Assert.Null(m.MachineType));
        }
        else
        {
            Assert.Equal("large", state.ProviderData[FakeReplicaProvider.MachineTypeKey]);
            Assert.Equal(state.Replicas.Select(r => r.Name).Order(), _world.Machines.Values.Where(m => m.MachineType == "large").Select(m => m.Name).Order());
        }
        AssertOutcome(step is "backup" ? Outcome.RolledBack : Outcome.Finished, before, replicasAfterFinish: 3);
    }

    [Theory]
    [MemberData(nameof(RestoreSteps))]
    public async Task A_restore_killed_before_a_step_is_finished_by_the_next_command_from_that_step(string step)
    {
        await ThreeReplicasAsync();
        // A replica added back may draw a lost one's name again (3 random hex digits): identity is name and creation time.
        var lost = Store().Load(Cluster).Replicas.Skip(1).Select(r => (r.Name, r.CreatedAt)).ToList();
        foreach (var (name, _) in lost) _world.Machines.Remove(name);
        var oldMembers = _world.Members.Select(m => m.Id).ToList();

        await KillAsync(step, engine => engine.RestoreAsync(new RestoreRequest { Cluster = Cluster }, CancellationToken.None));
        _world.Calls.Clear();
        await ResolveAsync();

        AssertOutcome(Outcome.Finished, "", replicasAfterFinish: 3);
        Assert.DoesNotContain(_world.Members, m => oldMembers.Contains(m.Id));
        Assert.DoesNotContain(Store().Load(Cluster).Replicas, r => lost.Contains((r.Name, r.CreatedAt)));
        var restoredBeforeTheKill = step is not ("fence" or "restore-data");
        Assert.Equal(restoredBeforeTheKill ? 0 : 1, _world.Calls.Count(c => c.StartsWith("restore ", StringComparison.Ordinal)));
    }

    [Theory]
    [MemberData(nameof(AddKilled))]
    public async Task An_add_killed_before_a_step_is_resolved_by_the_next_command(string step, Outcome expected)
    {
        var before = await ThreeReplicasAsync();
        await KillAsync(step, engine => engine.AddReplicaAsync(Cluster, null, CancellationToken.None));
        await ResolveAsync();
        AssertOutcome(expected, before, replicasAfterFinish: 4);
    }

    [Theory]
    [MemberData(nameof(AddFailed))]
    public async Task An_add_failing_at_a_step_rolls_back_before_its_point_of_no_return_and_is_finished_after_it(string step, Outcome expected)
    {
        var before = await ThreeReplicasAsync();
        await FailAsync(step, engine => engine.AddReplicaAsync(Cluster, null, CancellationToken.None));
        Assert.Equal(expected == Outcome.RolledBack, Store().Load(Cluster).Pending is null);
        await ResolveAsync();
        AssertOutcome(expected, before, replicasAfterFinish: 4);
    }

    [Theory]
    [MemberData(nameof(RemoveKilled))]
    public async Task A_removal_killed_before_a_step_is_resolved_by_the_next_command(string step, Outcome expected)
    {
        var before = await ThreeReplicasAsync();
        await KillAsync(step, engine => engine.RemoveReplicaAsync(Cluster, SecondReplica(), force: false, CancellationToken.None));
        await ResolveAsync();
        AssertOutcome(expected, before, replicasAfterFinish: 2);
    }

    [Theory]
    [MemberData(nameof(RemoveFailed))]
    public async Task A_removal_failing_at_a_step_is_put_back_unless_its_member_is_gone(string step, Outcome expected)
    {
        var before = await ThreeReplicasAsync();
        await FailAsync(step, engine => engine.RemoveReplicaAsync(Cluster, SecondReplica(), force: false, CancellationToken.None));
        await ResolveAsync();
        AssertOutcome(expected, before, replicasAfterFinish: 2);
    }

    [Theory]
    [MemberData(nameof(RepairKilled))]
    public async Task A_repair_killed_before_a_step_is_undone_while_its_replica_is_there_and_finished_with_one_replacement_once_it_is_gone(string step, Outcome expected)
    {
        var before = await ThreeReplicasAsync();
        var repaired = SecondReplica();
        await KillAsync(step, engine => engine.RepairReplicaAsync(Cluster, repaired, force: true, CancellationToken.None));
        await ResolveAsync();
        AssertOutcome(expected, before, replicasAfterFinish: 3);
        Assert.Equal(expected == Outcome.RolledBack, Store().Load(Cluster).FindReplica(repaired) is not null);
    }

    [Fact]
    public async Task A_repair_whose_replacement_cannot_be_added_is_given_up_with_a_warning_that_the_cluster_is_one_short()
    {
        await ThreeReplicasAsync();
        var repaired = SecondReplica();
        var zone = Store().Load(Cluster).FindReplica(repaired)!.Zone;
        await FailAsync("member-add", engine => engine.RepairReplicaAsync(Cluster, repaired, force: true, CancellationToken.None));
        Assert.Equal(OperationKind.RepairReplica, Store().Load(Cluster).Pending?.Kind);

        _armed = ("member-add", Kill: false);
        var warnings = await ResolveAsync();
        AssertOutcome(Outcome.Finished, "", replicasAfterFinish: 2);
        Assert.Contains(warnings, w => w.Contains($"had removed '{repaired}' but its replacement could not be added (injected failure)")
            && w.Contains($"has 2 replicas, one fewer than before") && w.Contains($"Add-MasterReplica -Cluster {Cluster} -Zone {zone}"));
    }

    [Fact]
    public async Task A_repair_whose_finishing_add_fails_past_its_point_of_no_return_keeps_both_entries_for_the_next_command()
    {
        await ThreeReplicasAsync();
        var repaired = SecondReplica();
        await FailAsync("member-add", engine => engine.RepairReplicaAsync(Cluster, repaired, force: true, CancellationToken.None));

        _armed = ("load-balancer", Kill: false);
        await Assert.ThrowsAsync<InjectedFailure>(ResolveAsync);
        Assert.Equal([OperationKind.AddReplica, OperationKind.RepairReplica], Store().Load(Cluster).Pending!.Chain().Select(p => p.Kind));

        await ResolveAsync();
        AssertOutcome(Outcome.Finished, "", replicasAfterFinish: 3);
    }

    [Theory]
    [MemberData(nameof(CreateSteps))]
    public async Task A_create_killed_before_any_step_leaves_nothing_once_resolved(string step)
    {
        await KillAsync(step, engine => engine.NewClusterAsync(new NewClusterRequest(Cluster), CancellationToken.None));
        await ResolveAsync();
        AssertOutcome(Outcome.Gone, "", 0);
    }

    [Theory]
    [MemberData(nameof(CreateSteps))]
    public async Task A_create_killed_before_any_step_is_rolled_back_by_a_new_create_of_the_same_name(string step)
    {
        await KillAsync(step, engine => engine.NewClusterAsync(new NewClusterRequest(Cluster), CancellationToken.None));
        Engine().CheckNewClusterName(Cluster);

        var created = await Engine().NewClusterAsync(new NewClusterRequest(Cluster), CancellationToken.None);

        Assert.Equal("Healthy", created.Status);
        AssertOutcome(Outcome.Finished, "", replicasAfterFinish: 1);
        Assert.Equal(ErrorIds.ClusterExists, Assert.Throws<HaException>(() => Engine().CheckNewClusterName(Cluster)).ErrorId);
    }

    [Theory]
    [MemberData(nameof(CreateSteps))]
    public async Task A_create_failing_at_any_step_leaves_nothing(string step)
    {
        await FailAsync(step, engine => engine.NewClusterAsync(new NewClusterRequest(Cluster), CancellationToken.None));
        AssertOutcome(Outcome.Gone, "", 0);
    }

    [Theory]
    [MemberData(nameof(RemoveClusterSteps))]
    public async Task A_cluster_removal_killed_before_any_step_is_finished_by_the_next_command(string step)
    {
        await ThreeReplicasAsync();
        await KillAsync(step, engine => engine.RemoveClusterAsync(Cluster, CancellationToken.None));
        await ResolveAsync();
        AssertOutcome(Outcome.Gone, "", 0);
    }

    [Fact]
    public async Task A_voter_slow_to_answer_does_not_make_the_next_command_give_up()
    {
        var before = await ThreeReplicasAsync();
        await KillAsync("promote", engine => engine.AddReplicaAsync(Cluster, null, CancellationToken.None));
        _world.UnansweredStatusRequests = 12;
        await ResolveAsync();
        AssertOutcome(Outcome.RolledBack, before, 0);
        Assert.Equal(0, _world.UnansweredStatusRequests);
    }

    [Fact]
    public async Task An_uninterrupted_add_and_removal_leave_no_journal_and_a_consistent_world()
    {
        await ThreeReplicasAsync();
        await Engine().RemoveReplicaAsync(Cluster, SecondReplica(), force: false, CancellationToken.None);
        AssertOutcome(Outcome.Finished, "", replicasAfterFinish: 2);
    }

    private async Task<string> ThreeReplicasAsync()
    {
        var engine = Engine();
        await engine.NewClusterAsync(new NewClusterRequest(Cluster), CancellationToken.None);
        await engine.AddReplicaAsync(Cluster, null, CancellationToken.None);
        await engine.AddReplicaAsync(Cluster, null, CancellationToken.None);
        AssertOutcome(Outcome.Finished, "", replicasAfterFinish: 3);
        return _world.Describe();
    }

    private string SecondReplica() => Store().Load(Cluster).Replicas[1].Name;

    /// <summary>Runs <paramref name="change"/> until just before <paramref name="step"/>, then leaves the state file and the world as a killed process would.</summary>
    private async Task KillAsync(string step, Func<HaEngine, Task> change)
    {
        _armed = (step, Kill: true);
        await Assert.ThrowsAsync<Killed>(() => change(Engine()));
        var (state, world) = _killedAt ?? throw new InvalidOperationException($"step {step} was never reached");
        if (state.Length == 0) File.Delete(StateFile());
        else
        {
            Directory.CreateDirectory(Path.GetDirectoryName(StateFile())!);
            File.WriteAllText(StateFile(), state);
        }
        _world.RestoreFrom(world);
    }

    private async Task FailAsync(string step, Func<HaEngine, Task> change)
    {
        _armed = (step, Kill: false);
        await Assert.ThrowsAsync<InjectedFailure>(() => change(Engine()));
        _armed = null;
    }

    /// <summary>What the next command does first, under the lock: resolve the journal.</summary>
    private async Task<List<string>> ResolveAsync()
    {
        var warnings = new List<string>();
        if (!Store().Exists(Cluster)) return warnings;
        var options = Options();
        using var session = new ClusterSession(Store().Load(Cluster), Store(), new FakeReplicaProvider(_world), new WarningRecorder(warnings),
            new ProgressActivity(NullObserver.Instance, "resolve"), options, (_, _) => new FakeApiProbe(_world));
        await Recovery.ResolvePendingAsync(session, CancellationToken.None);
        return warnings;
    }

    private void AssertOutcome(Outcome outcome, string before, int replicasAfterFinish)
    {
        if (outcome == Outcome.Gone)
        {
            Assert.False(Store().Exists(Cluster), "the cluster's state is still there");
            Assert.Empty(_world.Machines);
            Assert.Empty(_world.Frontend);
            Assert.False(_world.AddressReserved, "the cluster address is still reserved");
            return;
        }
        var state = Store().Load(Cluster);
        Assert.Null(state.Pending);
        Assert.All(state.Replicas, r => Assert.Equal(ReplicaPhase.Active, r.Phase));
        if (outcome == Outcome.RolledBack)
        {
            Assert.Equal(before, _world.Describe());
            return;
        }
        var names = state.Replicas.Select(r => r.Name).Order().ToList();
        Assert.Equal(replicasAfterFinish, names.Count);
        Assert.Equal(names, _world.Machines.Values.Where(m => m.Running).Select(m => m.Name).Order());
        Assert.Equal(names, _world.Members.Where(m => !m.IsLearner).Select(m => m.Name).Order());
        Assert.Equal(names.Count, _world.Members.Count);
        Assert.All(state.Replicas, r => Assert.Equal(_world.Machines[r.Name].ExternalAddress, r.ExternalAddress));
        Assert.Equal(names, _world.Frontend.Order());
        Assert.True(_world.AddressReserved);
    }

    private HaEngine Engine() => new(new StateDirectory(_root), _ => new FakeReplicaProvider(_world), NullObserver.Instance, Options(), (_, _) => new FakeApiProbe(_world));

    private EngineOptions Options() => new() { BeforeStep = BeforeStep, SettleInterval = TimeSpan.FromMilliseconds(1), VoterPatience = TimeSpan.FromSeconds(5) };

    private Task BeforeStep(string step, IOperationObserver observer, CancellationToken cancellationToken)
    {
        if (_armed is not { } armed || armed.Step != step) return Task.CompletedTask;
        _armed = null;
        if (!armed.Kill) throw new InjectedFailure();
        _killedAt = (File.Exists(StateFile()) ? File.ReadAllText(StateFile()) : "", _world.Clone());
        throw new Killed();
    }

    private ClusterStore Store() => new(new StateDirectory(_root));

    private string StateFile() => new StateDirectory(_root).StateFile(Cluster);

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    /// <summary>Stands for the process being killed: what runs after it (an in-process rollback) is undone by the test.</summary>
    private sealed class Killed : Exception;

    private sealed class InjectedFailure() : Exception("injected failure");
}
