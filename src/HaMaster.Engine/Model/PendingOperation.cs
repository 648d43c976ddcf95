namespace HaMaster.Engine.Model;

/// <summary>
/// The journal entry of a change in progress. It is written before the first step and cleared after
/// the last, so a change interrupted by Ctrl+C, a killed process or a reboot is found by the next
/// command on the cluster, which finishes it or rolls it back.
/// </summary>
public sealed class PendingOperation
{
    public required OperationKind Kind { get; init; }
    public string? Replica { get; init; }
    public string Step { get; set; } = "";
    public int ProcessId { get; init; }
    public DateTimeOffset StartedAt { get; init; }
}
