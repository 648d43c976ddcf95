namespace HaMaster.Testing.Compute;

/// <summary>One request the stand-in answered.</summary>
/// <param name="At">When it arrived.</param>
/// <param name="Method">HTTP method.</param>
/// <param name="Path">Path below the base URI, e.g. <c>projects/p/zones/z/instances/vm-1</c>.</param>
/// <param name="Query">The query string, with its leading <c>?</c>, or empty.</param>
/// <param name="Call">
/// The API method, named like the discovery document: <c>instances.insert</c>, <c>targetPools.addInstance</c>,
/// <c>zoneOperations.wait</c>, <c>regions.get</c>; <c>unknown</c> when the stand-in has no such method.
/// </param>
/// <param name="RequestId">The <c>requestId</c> query parameter, if any.</param>
/// <param name="StatusCode">The HTTP status answered.</param>
/// <param name="IsMutation">True for calls that answer with an Operation (insert, delete, addAccessConfig, …).</param>
/// <param name="Operation">The operation name answered, for mutations that got one (new or replayed).</param>
public sealed record RecordedRequest(
    DateTimeOffset At,
    string Method,
    string Path,
    string Query,
    string Call,
    string? RequestId,
    int StatusCode,
    bool IsMutation,
    string? Operation);

/// <summary>A snapshot of one operation, for assertions.</summary>
public sealed record OperationSnapshot(
    string Name,
    string Call,
    string OperationType,
    string TargetLink,
    string Status,
    string? ErrorCode,
    string? RequestId);
