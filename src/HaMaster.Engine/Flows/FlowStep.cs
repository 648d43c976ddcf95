namespace HaMaster.Engine.Flows;

/// <summary>
/// One small, idempotent action of a flow (like kind's creation actions). A step marked
/// <see cref="PointOfNoReturn"/> is where the change stops being undone: a failure before it starts is
/// rolled back, a failure from it on is left in the journal for the next command to finish.
/// </summary>
public sealed record FlowStep(string Name, string Description, Func<CancellationToken, Task> RunAsync)
{
    public bool PointOfNoReturn { get; init; }
}
