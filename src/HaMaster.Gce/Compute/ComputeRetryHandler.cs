using System.Net;
using Google.Apis.Http;
using Newtonsoft.Json.Linq;

namespace HaMaster.Gce.Compute;

/// <summary>
/// Retries, with the back-off of a <see cref="ComputeRetryPolicy"/>, the answers Compute gives when it
/// wants the caller to slow down: 429, 503, and 403 whose reason is <c>rateLimitExceeded</c> (or
/// <c>userRateLimitExceeded</c>). A 403 <c>quotaExceeded</c> is a resource quota (e.g. STATIC_ADDRESSES)
/// and is never retried. A request is retried only when sending it twice is harmless: a GET, a request
/// carrying a <c>requestId</c> (every mutation does), or a read-only POST (operations.wait, getHealth).
/// The same HTTP request, hence the same requestId, is sent again. A transport failure (connection
/// reset or refused, <see cref="HttpRequestException"/> or <see cref="IOException"/>) of such a request is
/// retried the same way; a cancelled or timed-out request is not.
/// </summary>
internal sealed class ComputeRetryHandler : IHttpUnsuccessfulResponseHandler, IHttpExceptionHandler
{
    /// <summary>Set by read-only POST requests (operations.wait, targetPools.getHealth).</summary>
    internal static readonly HttpRequestOptionsKey<bool> ReadOnlyPostKey = new("HaMaster.Compute.ReadOnlyPost");

    private readonly ComputeRetryPolicy _policy;

    public ComputeRetryHandler(ComputeRetryPolicy policy) => _policy = policy;

    public async Task<bool> HandleResponseAsync(HandleUnsuccessfulResponseArgs args)
    {
        if (!args.SupportsRetry || !IsSafeToRepeat(args.Request))
            return false;
        if (!await IsRetryableAsync(args.Response).ConfigureAwait(false))
            return false;
        var delay = _policy.DelayFor(Math.Max(1, args.CurrentFailedTry), RetryAfter(args.Response));
        await _policy.Sleep(delay, args.CancellationToken).ConfigureAwait(false);
        return true;
    }

    public async Task<bool> HandleExceptionAsync(HandleExceptionArgs args)
    {
        if (!args.SupportsRetry || args.CancellationToken.IsCancellationRequested || !IsSafeToRepeat(args.Request))
            return false;
        if (args.Exception is not (HttpRequestException or IOException))
            return false;
        await _policy.Sleep(_policy.DelayFor(Math.Max(1, args.CurrentFailedTry)), args.CancellationToken).ConfigureAwait(false);
        return true;
    }

    internal static bool IsSafeToRepeat(HttpRequestMessage request)
    {
        if (request.Method == HttpMethod.Get || request.Method == HttpMethod.Head)
            return true;
        if (request.Options.TryGetValue(ReadOnlyPostKey, out var readOnly) && readOnly)
            return true;
        return HasRequestId(request.RequestUri);
    }

    private static bool HasRequestId(Uri? uri)
    {
        var query = uri?.Query;
        if (string.IsNullOrEmpty(query))
            return false;
        foreach (var pair in query.TrimStart('?').Split('&'))
        {
            var eq = pair.IndexOf('=');
            if (eq > 0 && pair[..eq] == "requestId" && eq < pair.Length - 1)
                return true;
        }
        return false;
    }

    internal static async Task<bool> IsRetryableAsync(HttpResponseMessage response)
    {
        switch ((int)response.StatusCode)
        {
            case 429:
            case 503:
                return true;
            case 403:
                var reasons = await ReasonsAsync(response).ConfigureAwait(false);
                return !reasons.Contains(ComputeApiException.ReasonQuotaExceeded)
                       && (reasons.Contains(ComputeApiException.ReasonRateLimitExceeded)
                           || reasons.Contains(ComputeApiException.ReasonUserRateLimitExceeded));
            default:
                return false;
        }
    }

    /// <summary>The <c>error.errors[].reason</c> values of an error body (buffered, so it can be read again).</summary>
    private static async Task<HashSet<string>> ReasonsAsync(HttpResponseMessage response)
    {
        var reasons = new HashSet<string>(StringComparer.Ordinal);
        if (response.Content is null)
            return reasons;
        try
        {
            var text = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
            if (JToken.Parse(text)["error"]?["errors"] is JArray errors)
                foreach (var error in errors)
                    if (error["reason"]?.Type == JTokenType.String)
                        reasons.Add((string)error["reason"]!);
        }
        catch (Newtonsoft.Json.JsonException)
        {
            // Not a JSON error body: no reason.
        }
        return reasons;
    }

    private static TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
            return delta;
        if (header?.Date is { } date)
            return date - DateTimeOffset.UtcNow;
        return null;
    }
}
