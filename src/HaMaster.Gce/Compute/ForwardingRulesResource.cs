namespace HaMaster.Gce.Compute;

/// <summary><c>projects/{project}/regions/{region}/forwardingRules</c>: the masters' public endpoint.</summary>
public sealed class ForwardingRulesResource
{
    private readonly ComputeService _service;

    internal ForwardingRulesResource(ComputeService service) => _service = service;

    public ComputeReadRequest<ForwardingRule> Get(string project, string region, string forwardingRule) =>
        new(_service, "compute.forwardingRules.get",
            ComputeLinks.Path("projects", project, "regions", region, "forwardingRules", forwardingRule));

    public ComputeListRequest<ForwardingRule> List(string project, string region) =>
        new(_service, "compute.forwardingRules.list",
            ComputeLinks.Path("projects", project, "regions", region, "forwardingRules"));

    public ComputeMutation Insert(string project, string region, ForwardingRule body) =>
        new(_service, "compute.forwardingRules.insert", "POST",
            ComputeLinks.Path("projects", project, "regions", region, "forwardingRules"), Require.Body(body));

    public ComputeMutation Delete(string project, string region, string forwardingRule) =>
        new(_service, "compute.forwardingRules.delete", "DELETE",
            ComputeLinks.Path("projects", project, "regions", region, "forwardingRules", forwardingRule));
}
