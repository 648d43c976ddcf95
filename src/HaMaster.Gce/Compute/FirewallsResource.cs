namespace HaMaster.Gce.Compute;

/// <summary><c>projects/{project}/global/firewalls</c>: VPC firewall rules.</summary>
public sealed class FirewallsResource
{
    private readonly ComputeService _service;

    internal FirewallsResource(ComputeService service) => _service = service;

    public ComputeReadRequest<Firewall> Get(string project, string firewall) =>
        new(_service, "compute.firewalls.get", ComputeLinks.Path("projects", project, "global", "firewalls", firewall));

    public ComputeListRequest<Firewall> List(string project) =>
        new(_service, "compute.firewalls.list", ComputeLinks.Path("projects", project, "global", "firewalls"));

    public ComputeMutation Insert(string project, Firewall body) =>
        new(_service, "compute.firewalls.insert", "POST",
            ComputeLinks.Path("projects", project, "global", "firewalls"), Require.Body(body));

    /// <summary>Changes the fields given in <paramref name="body"/> (PATCH semantics).</summary>
    public ComputeMutation Patch(string project, string firewall, Firewall body) =>
        new(_service, "compute.firewalls.patch", "PATCH",
            ComputeLinks.Path("projects", project, "global", "firewalls", firewall), Require.Body(body));

    public ComputeMutation Delete(string project, string firewall) =>
        new(_service, "compute.firewalls.delete", "DELETE",
            ComputeLinks.Path("projects", project, "global", "firewalls", firewall));
}
