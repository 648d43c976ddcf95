using HaMaster.Engine.Model;

namespace HaMaster.Engine.Flows;

/// <summary>
/// One user operation as a list of named steps (docs/design.md §7), run by <see cref="FlowRunner"/>.
/// A journaled flow (<see cref="Journal"/> set) is recorded before its first step, so that a command
/// interrupted anywhere is found by the next command on the cluster, which asks the flow rebuilt from
/// the journal whether it is past its point of no return, then finishes or rolls it back.
/// </summary>
public abstract class Flow
{
    protected Flow(ClusterSession session) => Session = session;

    protected ClusterSession Session { get; }

    /// <summary>The progress activity and the words warnings use, such as "Add replica to demo".</summary>
    public abstract string Activity { get; }

    public abstract IReadOnlyList<FlowStep> Steps { get; }

    /// <summary>
    /// A short flow run before the one that does the change (a backup, rule 12): it names itself in the
    /// operation's status but leaves the operation's percentage to the change.
    /// </summary>
    public virtual bool IsPrelude => false;

    /// <summary>What the journal records of this flow; null when an interruption leaves nothing to finish or undo.</summary>
    public virtual OperationKind? Journal => null;

    /// <summary>The replica the journal names, when the flow changes one.</summary>
    public virtual string? ReplicaName => null;

    /// <summary>The zone the journal names, when the flow puts a replica where another one was.</summary>
    public virtual string? ReplicaZone => null;

    /// <summary>What a restore decided before its first step, kept in its journal entry.</summary>
    public virtual RestorePlan? RestorePlan => null;

    /// <summary>The replicas a rollout replaces, kept in its journal entry: the ones still there are still old.</summary>
    public virtual IReadOnlyList<string>? Replacing => null;

    /// <summary>The provider settings a rollout records, kept in its journal entry.</summary>
    public virtual IReadOnlyDictionary<string, string>? ProviderSettings => null;

    /// <summary>What undoing the flow does, in the words of a warning ("rolling back", "putting it back").</summary>
    public virtual string RollBackDescription => "rolling back";

    /// <summary>Undoes what the steps before the point of no return did. Idempotent.</summary>
    public virtual Task RollBackAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Whether a change interrupted at <paramref name="journaledStep"/> is past its point of no return:
    /// by default, whether that step is or follows the one marked so. A flow whose deciding step may
    /// be cut before or after it took effect asks the cluster instead.
    /// </summary>
    public virtual Task<bool> IsPastPointOfNoReturnAsync(string journaledStep, CancellationToken cancellationToken)
    {
        var decisive = Steps.ToList().FindIndex(s => s.PointOfNoReturn);
        var reached = Steps.ToList().FindIndex(s => s.Name == journaledStep);
        return Task.FromResult(decisive >= 0 && reached >= decisive);
    }

    /// <summary>Finishes a change interrupted past its point of no return: by default, runs every step again (each is idempotent).</summary>
    public virtual Task FinishAsync(CancellationToken cancellationToken) => FlowRunner.RunStepsAsync(this, Session, journal: null, cancellationToken);

    public Task RunAsync(CancellationToken cancellationToken) => FlowRunner.RunAsync(this, Session, cancellationToken);
}
