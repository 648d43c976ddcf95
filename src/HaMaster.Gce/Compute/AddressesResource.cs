namespace HaMaster.Gce.Compute;

/// <summary><c>projects/{project}/regions/{region}/addresses</c>: regional static addresses.</summary>
public sealed class AddressesResource
{
    private readonly ComputeService _service;

    internal AddressesResource(ComputeService service) => _service = service;

    public ComputeReadRequest<Address> Get(string project, string region, string address) =>
        new(_service, "compute.addresses.get", ComputeLinks.Path("projects", project, "regions", region, "addresses", address));

    public ComputeListRequest<Address> List(string project, string region) =>
        new(_service, "compute.addresses.list", ComputeLinks.Path("projects", project, "regions", region, "addresses"));

    /// <summary>Reserves an address: <c>{name, addressType: EXTERNAL, networkTier, address?}</c>.</summary>
    public ComputeMutation Insert(string project, string region, Address body) =>
        new(_service, "compute.addresses.insert", "POST",
            ComputeLinks.Path("projects", project, "regions", region, "addresses"), Require.Body(body));

    /// <summary>Releases an address.</summary>
    public ComputeMutation Delete(string project, string region, string address) =>
        new(_service, "compute.addresses.delete", "DELETE",
            ComputeLinks.Path("projects", project, "regions", region, "addresses", address));
}
