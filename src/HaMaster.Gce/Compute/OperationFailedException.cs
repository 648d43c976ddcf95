namespace HaMaster.Gce.Compute;

/// <summary>
/// An operation finished (DONE) with errors. Carries the errors (<c>code</c> such as QUOTA_EXCEEDED or
/// RESOURCE_NOT_READY, and message) and the HTTP status the operation reports
/// (<see cref="HttpErrorStatusCode"/>, e.g. 400, 403, 409).
/// </summary>
public sealed class OperationFailedException : Exception
{
    public OperationFailedException(Operation operation)
        : base(Describe(operation))
    {
        Operation = operation;
        Errors = operation.Error?.Errors?.ToList() ?? [];
    }

    public Operation Operation { get; }

    public IReadOnlyList<OperationErrorDetail> Errors { get; }

    public int? HttpErrorStatusCode => Operation.HttpErrorStatusCode;

    public string? HttpErrorMessage => Operation.HttpErrorMessage;

    /// <summary>The first error's code.</summary>
    public string? Code => Errors.FirstOrDefault()?.Code;

    public bool HasErrorCode(string code) => Errors.Any(e => string.Equals(e.Code, code, StringComparison.Ordinal));

    /// <summary>A resource quota ran out (QUOTA_EXCEEDED, e.g. CPUS or IN_USE_ADDRESSES); retrying does not help.</summary>
    public bool IsQuotaExceeded => HasErrorCode("QUOTA_EXCEEDED");

    public bool IsAlreadyExists => HasErrorCode("RESOURCE_ALREADY_EXISTS") || HasErrorCode("ALREADY_EXISTS")
                                   || HttpErrorStatusCode == 409;

    public bool IsNotFound => HasErrorCode("RESOURCE_NOT_FOUND") || HttpErrorStatusCode == 404;

    private static string Describe(Operation operation)
    {
        var target = ComputeLinks.Tail(operation.TargetLink) ?? operation.TargetLink ?? "its target";
        var errors = operation.Error?.Errors is { Count: > 0 } list
            ? string.Join("; ", list.Select(e => $"{e.Code}: {e.Message}"))
            : "no error detail";
        var http = operation.HttpErrorStatusCode is { } code
            ? $" (HTTP {code}{(string.IsNullOrEmpty(operation.HttpErrorMessage) ? "" : " " + operation.HttpErrorMessage)})"
            : "";
        return $"Compute operation {operation.Name} ({operation.OperationType} of {target}) failed: {errors}{http}";
    }
}
