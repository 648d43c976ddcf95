namespace HaMaster.Engine;

/// <summary>The one way the engine waits: poll a condition until it holds or a deadline passes.</summary>
public static class Waiter
{
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromMilliseconds(50);

    /// <summary>Returns true when <paramref name="condition"/> held before <paramref name="timeout"/>, false otherwise.</summary>
    public static async Task<bool> UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, CancellationToken cancellationToken, TimeSpan? interval = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (await condition().ConfigureAwait(false)) return true;
            if (DateTime.UtcNow >= deadline) return false;
            await Task.Delay(interval ?? DefaultInterval, cancellationToken).ConfigureAwait(false);
        }
    }
}
