namespace HaMaster.Gce.Compute;

/// <summary>
/// Back-off for answers worth retrying (429, 503, 403 rateLimitExceeded): exponential from
/// <see cref="InitialDelay"/> by <see cref="Multiplier"/>, capped at <see cref="MaxDelay"/>, with "equal
/// jitter" (a random delay between half the step and the full step), for at most <see cref="MaxAttempts"/>
/// sends in all. A <c>Retry-After</c> header lengthens the delay, never past the cap.
/// </summary>
public sealed class ComputeRetryPolicy
{
    /// <summary>1 s, 2 s, 4 s … capped at 32 s, 8 sends in all (about two minutes: Compute rate quotas refill each minute).</summary>
    public static ComputeRetryPolicy Default => new();

    /// <summary>No retries at all.</summary>
    public static ComputeRetryPolicy None => new() { MaxAttempts = 1 };

    /// <summary>How many times a request may be sent in all, 1 to 20 (the ceiling of Google.Apis' handler).</summary>
    public int MaxAttempts { get; init; } = 8;

    public TimeSpan InitialDelay { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(32);

    public double Multiplier { get; init; } = 2.0;

    /// <summary>How the handler waits; tests replace it to record the delays instead of sleeping.</summary>
    internal Func<TimeSpan, CancellationToken, Task> Sleep { get; init; } = Task.Delay;

    /// <summary>A source of numbers in [0, 1) for the jitter; tests pin it.</summary>
    internal Func<double> Random { get; init; } = System.Random.Shared.NextDouble;

    /// <summary>The delay before retry number <paramref name="retry"/> (1 for the first retry).</summary>
    public TimeSpan DelayFor(int retry, TimeSpan? retryAfter = null)
    {
        if (retry < 1) throw new ArgumentOutOfRangeException(nameof(retry));
        var step = InitialDelay.TotalMilliseconds * Math.Pow(Multiplier, retry - 1);
        var cap = MaxDelay.TotalMilliseconds;
        step = Math.Min(step, cap);
        var delay = step / 2 + Random() * step / 2;
        if (retryAfter is { } after && after.TotalMilliseconds > delay)
            delay = after.TotalMilliseconds;
        return TimeSpan.FromMilliseconds(Math.Min(delay, cap));
    }

    internal void Validate()
    {
        if (MaxAttempts is < 1 or > 20)
            throw new ArgumentOutOfRangeException(nameof(MaxAttempts), MaxAttempts, "MaxAttempts must be between 1 and 20.");
        if (InitialDelay < TimeSpan.Zero || MaxDelay < TimeSpan.Zero || Multiplier < 1)
            throw new ArgumentOutOfRangeException(nameof(InitialDelay), "Delays must not be negative and the multiplier must be at least 1.");
    }
}
