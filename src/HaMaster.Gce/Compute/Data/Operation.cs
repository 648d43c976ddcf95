using Newtonsoft.Json;

namespace HaMaster.Gce.Compute;

/// <summary>
/// A Compute Engine operation (<c>compute#operation</c>), returned by every mutating call.
/// A failed operation still answers HTTP 200: the failure is in <see cref="Error"/> together with
/// <see cref="HttpErrorStatusCode"/> and <see cref="HttpErrorMessage"/>.
/// </summary>
public sealed class Operation
{
    public const string StatusPending = "PENDING";
    public const string StatusRunning = "RUNNING";
    public const string StatusDone = "DONE";

    [JsonProperty("kind")] public string? Kind { get; set; }
    /// <summary>uint64, carried as a string as the API does.</summary>
    [JsonProperty("id")] public string? Id { get; set; }
    [JsonProperty("name")] public string? Name { get; set; }
    [JsonProperty("description")] public string? Description { get; set; }
    /// <summary>URL of the zone of a zonal operation.</summary>
    [JsonProperty("zone")] public string? Zone { get; set; }
    /// <summary>URL of the region of a regional operation.</summary>
    [JsonProperty("region")] public string? Region { get; set; }
    [JsonProperty("operationType")] public string? OperationType { get; set; }
    [JsonProperty("targetLink")] public string? TargetLink { get; set; }
    [JsonProperty("targetId")] public string? TargetId { get; set; }
    /// <summary>PENDING, RUNNING or DONE.</summary>
    [JsonProperty("status")] public string? Status { get; set; }
    [JsonProperty("statusMessage")] public string? StatusMessage { get; set; }
    [JsonProperty("user")] public string? User { get; set; }
    [JsonProperty("progress")] public int? Progress { get; set; }
    [JsonProperty("insertTime")] public string? InsertTime { get; set; }
    [JsonProperty("startTime")] public string? StartTime { get; set; }
    [JsonProperty("endTime")] public string? EndTime { get; set; }
    /// <summary>The request id the operation was created with (echoed by the API).</summary>
    [JsonProperty("clientOperationId")] public string? ClientOperationId { get; set; }
    [JsonProperty("selfLink")] public string? SelfLink { get; set; }
    [JsonProperty("httpErrorStatusCode")] public int? HttpErrorStatusCode { get; set; }
    [JsonProperty("httpErrorMessage")] public string? HttpErrorMessage { get; set; }
    [JsonProperty("error")] public OperationError? Error { get; set; }
    [JsonProperty("warnings")] public List<ComputeWarning>? Warnings { get; set; }

    [JsonIgnore] public bool IsDone => string.Equals(Status, StatusDone, StringComparison.Ordinal);

    /// <summary>True when the operation is DONE and carries at least one error.</summary>
    [JsonIgnore] public bool HasFailed => IsDone && Error?.Errors is { Count: > 0 };
}

/// <summary>The <c>error</c> of an operation.</summary>
public sealed class OperationError
{
    [JsonProperty("errors")] public List<OperationErrorDetail>? Errors { get; set; }
}

/// <summary>One error of a failed operation; <see cref="Code"/> is UPPER_SNAKE (QUOTA_EXCEEDED, RESOURCE_NOT_READY…).</summary>
public sealed class OperationErrorDetail
{
    [JsonProperty("code")] public string? Code { get; set; }
    [JsonProperty("location")] public string? Location { get; set; }
    [JsonProperty("message")] public string? Message { get; set; }
}
