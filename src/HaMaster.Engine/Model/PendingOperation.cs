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
    /// <summary>The zone of the replica a repair replaces, where its replacement goes even once the old record is gone.</summary>
    public string? Zone { get; init; }
    public string Step { get; set; } = "";
    public int ProcessId { get; init; }
    public DateTimeOffset StartedAt { get; init; }
    /// <summary>What a restore decided before its first step (its source and target), for the restore rebuilt from the journal.</summary>
    public RestorePlan? Restore { get; init; }
    /// <summary>The replicas a rollout replaces (Update-HaCluster -Rollout): those the state still has are still to be replaced.</summary>
    public IReadOnlyList<string>? Replacing { get; init; }
    /// <summary>The provider settings a rollout records before it replaces anything (Update-HaCluster -KubernetesVersion, for one).</summary>
    public IReadOnlyDictionary<string, string>? ProviderSettings { get; init; }
    /// <summary>
    /// The change this one runs inside (a replica added while a restore grows the cluster back): it is
    /// resumed once this one is finished or rolled back.
    /// </summary>
    public PendingOperation? Outer { get; init; }

    /// <summary>This entry and every entry it runs inside, innermost first.</summary>
    public IEnumerable<PendingOperation> Chain()
    {
        for (var entry = this; entry is not null; entry = entry.Outer) yield return entry;
    }
}
