using System.Collections.Concurrent;

namespace HaMaster.Engine;

/// <summary>
/// Answers from a cache and fetches what is missing or stale in the background; a caller never
/// waits longer than its budget (tab completion must not hang on a slow API). A failed fetch is
/// tried again on the next call.
/// </summary>
public sealed class TimeBoxedCache<T>(TimeSpan lifetime) where T : class
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new();

    /// <summary>The cached or freshly fetched value, or null when the fetch fails or takes longer than <paramref name="budget"/>.</summary>
    public T? Get(string key, Func<Task<T>> fetch, TimeSpan budget)
    {
        var entry = _entries.AddOrUpdate(key,
            _ => Entry.Start(fetch),
            (_, current) => current.Fetch.IsFaulted || DateTime.UtcNow - current.StartedAt > lifetime ? Entry.Start(fetch) : current);
        Task.WaitAny([entry.Fetch], budget);
        return entry.Fetch.IsCompletedSuccessfully ? entry.Fetch.Result : null;
    }

    private sealed record Entry(DateTime StartedAt, Task<T> Fetch)
    {
        public static Entry Start(Func<Task<T>> fetch) => new(DateTime.UtcNow, Task.Run(fetch));
    }
}
