using HaMaster.Engine.Model;

namespace HaMaster.Engine.Flows;

/// <summary>
/// Runs flows. It owns the journal entry (kind, replica, step, process, time), the progress of the
/// steps, the words a failure is reported with, and the decision to roll back or finish: a flow that
/// fails before its point of no return is rolled back at once; past it, the journal entry stays and
/// the next command finishes it (<see cref="ResolveInterruptedAsync"/>).
/// </summary>
public static class FlowRunner
{
    public static async Task RunAsync(Flow flow, ClusterSession session, CancellationToken cancellationToken)
    {
        PendingOperation? journal = null;
        if (flow.Journal is { } kind)
        {
            journal = new PendingOperation
            {
                Kind = kind,
                Replica = flow.ReplicaName,
                Zone = flow.ReplicaZone,
                Restore = flow.RestorePlan,
                Replacing = flow.Replacing,
                ProviderSettings = flow.ProviderSettings,
                ProcessId = Environment.ProcessId,
                StartedAt = DateTimeOffset.UtcNow,
                Outer = session.State.Pending,
            };
            session.State.Pending = journal;
            session.Save();
        }
        var reached = -1;
        try
        {
            await RunStepsAsync(flow, session, journal, cancellationToken, onStep: i => reached = i).ConfigureAwait(false);
        }
        catch (Exception e) when (journal is not null && !flow.Steps.Take(reached + 1).Any(s => s.PointOfNoReturn))
        {
            session.Observer.Warning($"{flow.Activity} failed ({Describe(e)}); {flow.RollBackDescription}.");
            await flow.RollBackAsync(CancellationToken.None).ConfigureAwait(false);
            ClearJournal(session);
            throw;
        }
        if (journal is not null) ClearJournal(session);
    }

    /// <summary>
    /// Finishes or rolls back the change the journal says was interrupted, as the flow rebuilt from
    /// the journal decides, then clears the journal.
    /// </summary>
    public static async Task ResolveInterruptedAsync(Flow flow, PendingOperation pending, ClusterSession session, CancellationToken cancellationToken)
    {
        if (await flow.IsPastPointOfNoReturnAsync(pending.Step, cancellationToken).ConfigureAwait(false))
        {
            session.Observer.Verbose($"{flow.Activity} had passed its point of no return: finishing it.");
            await flow.FinishAsync(cancellationToken).ConfigureAwait(false);
        }
        else
        {
            session.Observer.Verbose($"{flow.Activity} had not reached its point of no return: rolling it back.");
            await flow.RollBackAsync(cancellationToken).ConfigureAwait(false);
        }
        ClearJournal(session);
    }

    /// <summary>
    /// Runs the flow's steps in order, from the one named <paramref name="from"/> (default: the first);
    /// each step is journaled (when <paramref name="journal"/> is given) before it runs.
    /// </summary>
    internal static async Task RunStepsAsync(Flow flow, ClusterSession session, PendingOperation? journal, CancellationToken cancellationToken,
        Action<int>? onStep = null, string? from = null)
    {
        var operation = session.Progress;
        var start = operation.Percent;
        var steps = flow.Steps;
        using var progress = operation.Child(flow.Activity);
        for (var i = from is null ? 0 : Math.Max(0, steps.ToList().FindIndex(s => s.Name == from)); i < steps.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var step = steps[i];
            progress.Report(step.Description, i * 100 / steps.Count);
            operation.Report(flow.Activity, flow.IsPrelude ? start : start + (100 - start) * i / steps.Count);
            session.Observer.Verbose($"{flow.Activity}: {step.Description}");
            if (journal is not null)
            {
                journal.Step = step.Name;
                session.Save();
            }
            onStep?.Invoke(i);
            await session.Options.BeforeStep(step.Name, session.Observer, cancellationToken).ConfigureAwait(false);
            await step.RunAsync(cancellationToken).ConfigureAwait(false);
        }
        progress.Report("Done", 100);
    }

    public static string Describe(Exception e) => e is OperationCanceledException ? "stopped by the user" : e.Message;

    /// <summary>
    /// Clears the innermost journal entry (the change it ran inside, if any, is pending again), unless
    /// the flow forgot the cluster altogether.
    /// </summary>
    private static void ClearJournal(ClusterSession session)
    {
        if (session.State.Pending is null || !session.Store.Exists(session.Name)) return;
        session.State.Pending = session.State.Pending.Outer;
        session.Save();
    }
}
