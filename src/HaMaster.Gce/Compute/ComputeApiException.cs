using System.Net;
using Google;
using Newtonsoft.Json.Linq;

namespace HaMaster.Gce.Compute;

/// <summary>
/// A Compute call answered with a non-2xx status. Built from the <see cref="GoogleApiException"/> that
/// Google.Apis throws (and still one, so code catching that keeps working), with the parts of the error
/// body a caller decides on: <see cref="StatusCode"/>, <see cref="Reason"/> (<c>notFound</c>,
/// <c>alreadyExists</c>, <c>resourceInUseByAnotherResource</c>, <c>rateLimitExceeded</c>,
/// <c>quotaExceeded</c>…) and the API's own <see cref="ErrorMessage"/>.
/// </summary>
public sealed class ComputeApiException : GoogleApiException
{
    public const string ReasonNotFound = "notFound";
    public const string ReasonAlreadyExists = "alreadyExists";
    public const string ReasonResourceInUse = "resourceInUseByAnotherResource";
    public const string ReasonRateLimitExceeded = "rateLimitExceeded";
    public const string ReasonUserRateLimitExceeded = "userRateLimitExceeded";
    public const string ReasonQuotaExceeded = "quotaExceeded";

    public ComputeApiException(GoogleApiException source, string? method = null)
        : base(source.ServiceName ?? "compute", source.Message, source)
    {
        Error = source.Error;
        HttpStatusCode = source.HttpStatusCode;
        Method = method;
        var errors = source.Error?.Errors;
        Reasons = errors?.Select(e => e.Reason).Where(r => !string.IsNullOrEmpty(r)).Select(r => r!).ToList()
                  ?? [];
        Reason = Reasons.FirstOrDefault();
        Domain = errors?.FirstOrDefault()?.Domain;
        ErrorMessage = source.Error?.Message ?? errors?.FirstOrDefault()?.Message;
        Status = ReadStatus(source.Error?.ErrorResponseContent);
    }

    /// <summary>The HTTP status of the answer.</summary>
    public HttpStatusCode StatusCode => HttpStatusCode;

    /// <summary>The first <c>error.errors[].reason</c>, e.g. <c>notFound</c>; null when the body had none.</summary>
    public string? Reason { get; }

    /// <summary>Every <c>error.errors[].reason</c>.</summary>
    public IReadOnlyList<string> Reasons { get; }

    /// <summary>The first error's domain (<c>global</c>, <c>usageLimits</c>).</summary>
    public string? Domain { get; }

    /// <summary>The API's message, e.g. <c>The resource 'projects/p/…/x' was not found</c>.</summary>
    public string? ErrorMessage { get; }

    /// <summary>The canonical status newer answers add (<c>NOT_FOUND</c>, <c>ALREADY_EXISTS</c>), when present.</summary>
    public string? Status { get; }

    /// <summary>The API method that failed, e.g. <c>compute.instances.get</c>.</summary>
    public string? Method { get; }

    public bool IsNotFound => StatusCode == HttpStatusCode.NotFound || HasReason(ReasonNotFound);

    public bool IsAlreadyExists => HasReason(ReasonAlreadyExists)
                                   || (StatusCode == HttpStatusCode.Conflict && Reason is null);

    /// <summary>The resource is still used by another one (HTTP 400, e.g. a target pool behind a forwarding rule).</summary>
    public bool IsResourceInUse => HasReason(ReasonResourceInUse);

    public bool IsRateLimited => (int)StatusCode == 429
                                 || HasReason(ReasonRateLimitExceeded) || HasReason(ReasonUserRateLimitExceeded);

    /// <summary>A resource quota is exhausted (403 quotaExceeded, e.g. STATIC_ADDRESSES); retrying does not help.</summary>
    public bool IsQuotaExceeded => HasReason(ReasonQuotaExceeded);

    public bool HasReason(string reason) => Reasons.Contains(reason, StringComparer.Ordinal);

    public override string Message
    {
        get
        {
            var what = Method is null ? "The Compute Engine API" : $"Compute Engine call {Method}";
            var reason = Reason is null ? "" : $" ({Reason})";
            var message = string.IsNullOrEmpty(ErrorMessage) ? "" : $": {ErrorMessage}";
            return $"{what} failed with HTTP {(int)StatusCode}{reason}{message}";
        }
    }

    private static string? ReadStatus(string? content)
    {
        if (string.IsNullOrWhiteSpace(content))
            return null;
        try
        {
            var status = JToken.Parse(content)["error"]?["status"];
            return status?.Type == JTokenType.String ? (string?)status : null;
        }
        catch (Newtonsoft.Json.JsonException)
        {
            return null;
        }
    }
}
