namespace HaMaster.Endpoint;

/// <summary>Outcome of one readiness check; <see cref="Reason"/> is a single line.</summary>
public sealed record ReadinessResult(bool IsReady, string Reason)
{
    public static readonly ReadinessResult Ready = new(true, "ok");

    public static ReadinessResult NotReady(string reason) =>
        new(false, reason.ReplaceLineEndings(" ").Trim());
}
