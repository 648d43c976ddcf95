namespace HaMaster.Engine.Flows;

/// <summary>Runs a flow's steps in order, journaling each step before it runs and reporting progress.</summary>
public static class FlowRunner
{
    public static async Task RunAsync(string activity, IReadOnlyList<FlowStep> steps, ClusterSession session, CancellationToken cancellationToken)
    {
        try
        {
            for (var i = 0; i < steps.Count; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var step = steps[i];
                session.Observer.Step(activity, step.Description, i, steps.Count);
                session.Observer.Verbose($"{activity}: {step.Description}");
                if (session.State.Pending is { } pending)
                {
                    pending.Step = step.Name;
                    session.Save();
                }
                await DrillPause.BeforeAsync(step.Name, session.Observer, cancellationToken).ConfigureAwait(false);
                await step.RunAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            session.Observer.Completed(activity);
        }
    }
}
