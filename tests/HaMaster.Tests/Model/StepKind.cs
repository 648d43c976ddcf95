namespace HaMaster.Tests.Model;

/// <summary>The operations a model-based sequence draws from.</summary>
public enum StepKind
{
    Add,
    Remove,
    Stop,
    Start,
    Repair,
    Optimize,
    Rollout,
    /// <summary>A dead disk: the replica's processes killed and its etcd data deleted (a fault, not a cmdlet).</summary>
    LoseData,
    Restore,
}
