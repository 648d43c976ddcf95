namespace HaMaster.Gce.Compute;

/// <summary><c>projects/{project}/zones</c>.</summary>
public sealed class ZonesResource
{
    private readonly ComputeService _service;

    internal ZonesResource(ComputeService service) => _service = service;

    public ComputeReadRequest<Zone> Get(string project, string zone) =>
        new(_service, "compute.zones.get", ComputeLinks.Path("projects", project, "zones", zone));

    /// <summary>All zones; set <c>Filter</c> to narrow, e.g. <c>name = "us-central1-*"</c>.</summary>
    public ComputeListRequest<Zone> List(string project) =>
        new(_service, "compute.zones.list", ComputeLinks.Path("projects", project, "zones"));
}
