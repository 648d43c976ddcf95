namespace HaMaster.Gce.Compute;

/// <summary><c>projects/{project}/global/httpHealthChecks</c>: the legacy health checks target pools use.</summary>
public sealed class HttpHealthChecksResource
{
    private readonly ComputeService _service;

    internal HttpHealthChecksResource(ComputeService service) => _service = service;

    public ComputeReadRequest<HttpHealthCheck> Get(string project, string healthCheck) =>
        new(_service, "compute.httpHealthChecks.get",
            ComputeLinks.Path("projects", project, "global", "httpHealthChecks", healthCheck));

    public ComputeListRequest<HttpHealthCheck> List(string project) =>
        new(_service, "compute.httpHealthChecks.list", ComputeLinks.Path("projects", project, "global", "httpHealthChecks"));

    public ComputeMutation Insert(string project, HttpHealthCheck body) =>
        new(_service, "compute.httpHealthChecks.insert", "POST",
            ComputeLinks.Path("projects", project, "global", "httpHealthChecks"), Require.Body(body));

    public ComputeMutation Delete(string project, string healthCheck) =>
        new(_service, "compute.httpHealthChecks.delete", "DELETE",
            ComputeLinks.Path("projects", project, "global", "httpHealthChecks", healthCheck));
}
