namespace HaMaster.Engine.Flows;

/// <summary>One small, idempotent action of a flow (like kind's creation actions).</summary>
public sealed record FlowStep(string Name, string Description, Func<CancellationToken, Task> RunAsync);
