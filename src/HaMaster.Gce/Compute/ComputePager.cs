using System.Runtime.CompilerServices;

namespace HaMaster.Gce.Compute;

/// <summary>Walks a paged list call: asks for a page, yields its items, follows <c>nextPageToken</c> until there is none.</summary>
public static class ComputePager
{
    /// <param name="fetchPage">Fetches the page of a token (null for the first) and returns its items and the next token.</param>
    /// <param name="firstPageToken">Where to start; null for the first page.</param>
    public static async IAsyncEnumerable<TItem> ListAllAsync<TItem>(
        Func<string?, CancellationToken, Task<(IReadOnlyList<TItem> Items, string? NextPageToken)>> fetchPage,
        string? firstPageToken = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var token = firstPageToken;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var (items, next) = await fetchPage(token, cancellationToken).ConfigureAwait(false);
            foreach (var item in items)
                yield return item;
            if (string.IsNullOrEmpty(next))
                yield break;
            // A server that hands out a token it gave before would make this loop forever.
            if (!seen.Add(next))
                throw new InvalidOperationException($"The Compute API repeated the page token '{next}'.");
            token = next;
        }
    }
}
