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
}
