namespace HaMaster.Gce.Compute;

/// <summary>
/// zoneOperations, regionOperations and globalOperations: get and wait. The path is built from the
/// operation's scope and name, never from its selfLink.
/// </summary>
public sealed class OperationsResource
{
    private readonly ComputeService _service;

    internal OperationsResource(ComputeService service) => _service = service;

    /// <summary><c>GET …/operations/{operation}</c></summary>
    public ComputeReadRequest<Operation> Get(OperationScope scope, string operation) =>
        new(_service, $"compute.{Collection(scope)}.get", scope.PathOf(operation));

    /// <summary>
    /// <c>POST …/operations/{operation}/wait</c>: returns when the operation is DONE or near a two-minute
    /// deadline, possibly at once; loop until DONE (or use <see cref="ComputeService.WaitAsync"/>).
    /// </summary>
    public ComputeReadRequest<Operation> Wait(OperationScope scope, string operation) =>
        new(_service, $"compute.{Collection(scope)}.wait", scope.PathOf(operation) + "/wait", postBody: null);

    private static string Collection(OperationScope scope) => scope.Kind switch
    {
        OperationScopeKind.Zone => "zoneOperations",
        OperationScopeKind.Region => "regionOperations",
        _ => "globalOperations",
    };
}
