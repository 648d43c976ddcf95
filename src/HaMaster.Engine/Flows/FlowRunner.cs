namespace HaMaster.Engine.Flows;

/// <summary>
/// Runs a flow's steps in order, journaling each step before it runs. The flow is a child progress
/// activity of the operation; its steps fill the operation's bar from where it stands to the end.
/// </summary>
public static class FlowRunner
{
    public static async Task RunAsync(string activity, IReadOnlyList<FlowStep> steps, ClusterSession session, CancellationToken cancellationToken)
    {
        var operation = session.Progress;
        var start = operation.Percent;
        using var flow = operation.Child(activity);
        for (var i = 0; i < steps.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var step = steps[i];
            flow.Report(step.Description, i * 100 / steps.Count);
            operation.Report(activity, start + (100 - start) * i / steps.Count);
            session.Observer.Verbose($"{activity}: {step.Description}");
            if (session.State.Pending is { } pending)
            {
                pending.Step = step.Name;
                session.Save();
            }
            await DrillPause.BeforeAsync(step.Name, session.Observer, cancellationToken).ConfigureAwait(false);
            await step.RunAsync(cancellationToken).ConfigureAwait(false);
        }
        flow.Report("Done", 100);
    }
}
