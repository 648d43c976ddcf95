using Google.Apis.Util;

namespace HaMaster.Gce.Compute;

/// <summary>
/// A mutating request: it answers an <see cref="Operation"/> (wait for it with
/// <see cref="ComputeService.WaitAsync"/>) and carries a <c>requestId</c>, a random UUID (never the zero
/// UUID) chosen once when the request object is made. Every retry of the same request, by the retry
/// handler or by calling <see cref="ComputeRequest{TResponse}.ExecuteAsync"/> again, sends the same id, so
/// the API answers the original operation instead of making the change twice.
/// </summary>
public class ComputeMutation : ComputeRequest<Operation>
{
    internal ComputeMutation(ComputeService service, string methodName, string httpMethod, string restPath,
        object? body = null)
        : base(service, methodName, httpMethod, restPath, body)
    {
    }

    /// <summary>
    /// The request's id. Set your own (a UUID kept across a restart) to make a repeated call return the
    /// operation of the first; never the zero UUID.
    /// </summary>
    [RequestParameter("requestId", RequestParameterType.Query)]
    public string RequestId { get; set; } = NewRequestId();

    internal static string NewRequestId()
    {
        Guid id;
        do { id = Guid.NewGuid(); } while (id == Guid.Empty);
        return id.ToString("D");
    }
}

/// <summary><c>instances.addAccessConfig</c>: attaches an external address to a network interface.</summary>
public sealed class AddAccessConfigRequest : ComputeMutation
{
    internal AddAccessConfigRequest(ComputeService service, string restPath, string networkInterface, AccessConfig body)
        : base(service, "compute.instances.addAccessConfig", "POST", restPath, body)
    {
        NetworkInterface = networkInterface;
    }

    /// <summary>The interface name, <c>nic0</c> for the first.</summary>
    [RequestParameter("networkInterface", RequestParameterType.Query)]
    public string NetworkInterface { get; }
}

/// <summary><c>instances.deleteAccessConfig</c>: detaches an external address (both parameters are required by the API).</summary>
public sealed class DeleteAccessConfigRequest : ComputeMutation
{
    internal DeleteAccessConfigRequest(ComputeService service, string restPath, string accessConfig,
        string networkInterface)
        : base(service, "compute.instances.deleteAccessConfig", "POST", restPath)
    {
        AccessConfig = accessConfig;
        NetworkInterface = networkInterface;
    }

    /// <summary>The access config's name, e.g. <c>External NAT</c>.</summary>
    [RequestParameter("accessConfig", RequestParameterType.Query)]
    public string AccessConfig { get; }

    [RequestParameter("networkInterface", RequestParameterType.Query)]
    public string NetworkInterface { get; }
}
