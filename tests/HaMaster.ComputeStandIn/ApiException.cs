using System.Text.Json.Nodes;

namespace HaMaster.Testing.Compute;

/// <summary>
/// A synchronous API error. Rendered as the Google error body
/// <c>{"error":{"code":404,"message":"…","errors":[{"message":"…","domain":"global","reason":"notFound"}]}}</c>,
/// or, when it happens while an operation completes, as an entry of the operation's <c>error.errors[]</c>.
/// </summary>
internal sealed class ApiException : Exception
{
    public ApiException(int status, string reason, string message, string domain = "global")
        : base(message)
    {
        Status = status;
        Reason = reason;
        Domain = domain;
    }

    public int Status { get; }
    public string Reason { get; }
    public string Domain { get; }
    public string? Location { get; init; }
    public string? LocationType { get; init; }

    /// <summary>google.rpc status name, only sent where the real front end sends one (429, 503).</summary>
    public string? RpcStatus { get; init; }

    /// <summary>The UPPER_SNAKE code used when this error ends an operation.</summary>
    public string OperationCode => Reason switch
    {
        "notFound" => "RESOURCE_NOT_FOUND",
        "alreadyExists" => "RESOURCE_ALREADY_EXISTS",
        "resourceInUseByAnotherResource" => "RESOURCE_IN_USE_BY_ANOTHER_RESOURCE",
        "resourceNotReady" => "RESOURCE_NOT_READY",
        "conditionNotMet" => "CONDITION_NOT_MET",
        "quotaExceeded" => "QUOTA_EXCEEDED",
        "invalid" => "INVALID_FIELD_VALUE",
        "required" => "REQUIRED_FIELD_MISSING",
        _ => "BAD_REQUEST",
    };

    public JsonObject Body()
    {
        // Wire order as the front end sends it: code, message, errors[] (message, domain, reason, location…).
        var item = new JsonObject
        {
            ["message"] = Message,
            ["domain"] = Domain,
            ["reason"] = Reason,
        };
        if (Location is not null) item["location"] = Location;
        if (LocationType is not null) item["locationType"] = LocationType;
        var error = new JsonObject
        {
            ["code"] = Status,
            ["message"] = Message,
            ["errors"] = new JsonArray(item),
        };
        if (RpcStatus is not null) error["status"] = RpcStatus;
        return new JsonObject { ["error"] = error };
    }

    public static string HttpMessage(int status) => status switch
    {
        400 => "BAD REQUEST",
        401 => "UNAUTHORIZED",
        403 => "FORBIDDEN",
        404 => "NOT FOUND",
        409 => "CONFLICT",
        412 => "PRECONDITION FAILED",
        429 => "TOO MANY REQUESTS",
        500 => "INTERNAL SERVER ERROR",
        503 => "SERVICE UNAVAILABLE",
        _ => "ERROR",
    };

    // ---- the errors the stand-in produces -----------------------------------------------------

    public static ApiException NotFound(string path) =>
        new(404, "notFound", $"The resource '{path}' was not found");

    public static ApiException AlreadyExists(string path) =>
        new(409, "alreadyExists", $"The resource '{path}' already exists");

    /// <summary>400, as real Compute answers (not 409) when deleting something still referenced.</summary>
    public static ApiException InUse(string type, string path, string byPath) =>
        new(400, "resourceInUseByAnotherResource", $"The {type} resource '{path}' is already being used by '{byPath}'");

    public static ApiException NotReady(string path) =>
        new(400, "resourceNotReady", $"The resource '{path}' is not ready");

    public static ApiException InvalidValue(string field, string value, string why) =>
        new(400, "invalid", $"Invalid value for field '{field}': '{value}'. {why}");

    public static ApiException Required(string field) =>
        new(400, "required", $"Required field '{field}' not specified");

    public static ApiException BadRequest(string message) => new(400, "badRequest", message);

    public static ApiException InvalidParameter(string value, string pattern) =>
        new(400, "invalidParameter", $"Invalid value '{value}'. Values must match the following regular expression: '{pattern}'");

    public static ApiException ConditionNotMet(string message) =>
        new(412, "conditionNotMet", message) { Location = "If-Match", LocationType = "header" };

    public static ApiException QuotaExceeded(string message) => new(403, "quotaExceeded", message);

    public static ApiException RateLimited(int status) => status switch
    {
        429 => new(429, "rateLimitExceeded",
            "Quota exceeded for quota metric 'Queries' and limit 'Queries per minute' of service 'compute.googleapis.com' for consumer 'project_number:000000000000'.")
        { RpcStatus = "RESOURCE_EXHAUSTED" },
        503 => new(503, "backendError", "The service is currently unavailable.") { RpcStatus = "UNAVAILABLE" },
        _ => new(403, "rateLimitExceeded", "Rate Limit Exceeded", domain: "usageLimits"),
    };

    public static ApiException NotImplemented(string method, string path) =>
        new(501, "notImplemented", $"The Compute stand-in does not implement {method} {path}");
}
