using Google.Apis.Util;

namespace HaMaster.Gce.Compute;

/// <summary><c>GET .../instances/{instance}/getGuestAttributes?queryPath=</c>: a namespace (<c>hostkeys/</c>) or one key.</summary>
public sealed class GetGuestAttributesRequest : ComputeRequest<GuestAttributes>
{
    internal GetGuestAttributesRequest(ComputeService service, string restPath, string queryPath)
        : base(service, "compute.instances.getGuestAttributes", "GET", restPath, null)
    {
        QueryPath = queryPath;
    }

    [RequestParameter("queryPath", RequestParameterType.Query)]
    public string QueryPath { get; }
}
