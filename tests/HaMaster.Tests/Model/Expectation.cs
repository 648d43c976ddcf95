namespace HaMaster.Tests.Model;

/// <summary>What the model predicts for a step: it goes ahead, or the safety rules refuse it with a stable error id.</summary>
public sealed record Expectation(string? RefusedWith)
{
    public static readonly Expectation Allowed = new((string?)null);

    public static Expectation Refused(string errorId) => new(errorId);

    public bool IsAllowed => RefusedWith is null;

    public override string ToString() => IsAllowed ? "allowed" : $"refused ({RefusedWith})";
}
