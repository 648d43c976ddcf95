namespace HaMaster.Gce.Compute;

/// <summary><c>projects/{project}/regions/{region}/targetPools</c>: the pool behind the masters' forwarding rule.</summary>
public sealed class TargetPoolsResource
{
    private readonly ComputeService _service;

    internal TargetPoolsResource(ComputeService service) => _service = service;

    public ComputeReadRequest<TargetPool> Get(string project, string region, string targetPool) =>
        new(_service, "compute.targetPools.get", PoolPath(project, region, targetPool));

    public ComputeListRequest<TargetPool> List(string project, string region) =>
        new(_service, "compute.targetPools.list", ComputeLinks.Path("projects", project, "regions", region, "targetPools"));

    public ComputeMutation Insert(string project, string region, TargetPool body) =>
        new(_service, "compute.targetPools.insert", "POST",
            ComputeLinks.Path("projects", project, "regions", region, "targetPools"), Require.Body(body));

    public ComputeMutation Delete(string project, string region, string targetPool) =>
        new(_service, "compute.targetPools.delete", "DELETE", PoolPath(project, region, targetPool));

    /// <summary>Adds instances, each named by URL (full or <c>projects/…</c>, see <see cref="ComputeLinks.Instance"/>).</summary>
    public ComputeMutation AddInstance(string project, string region, string targetPool, params string[] instances) =>
        new(_service, "compute.targetPools.addInstance", "POST", PoolPath(project, region, targetPool, "addInstance"),
            Members(instances));

    /// <summary>Removes instances, each named by URL.</summary>
    public ComputeMutation RemoveInstance(string project, string region, string targetPool, params string[] instances) =>
        new(_service, "compute.targetPools.removeInstance", "POST",
            PoolPath(project, region, targetPool, "removeInstance"), Members(instances));

    /// <summary>
    /// <c>POST …/getHealth</c> with <c>{"instance": url}</c>: the health of one member as the pool's health
    /// check sees it. Answers <see cref="TargetPoolInstanceHealth"/>, not an operation.
    /// </summary>
    public ComputeReadRequest<TargetPoolInstanceHealth> GetHealth(string project, string region, string targetPool,
        string instance) =>
        new(_service, "compute.targetPools.getHealth", PoolPath(project, region, targetPool, "getHealth"),
            new InstanceReference { Instance = NotEmpty(instance) });

    private static TargetPoolInstancesRequest Members(string[] instances)
    {
        if (instances is not { Length: > 0 })
            throw new ArgumentException("Name at least one instance.", nameof(instances));
        return new TargetPoolInstancesRequest
        {
            Instances = instances.Select(i => new InstanceReference { Instance = NotEmpty(i) }).ToList(),
        };
    }

    private static string NotEmpty(string instance) =>
        string.IsNullOrWhiteSpace(instance) ? throw new ArgumentException("An instance URL is empty.") : instance;

    private static string PoolPath(string project, string region, string targetPool, string? verb = null) =>
        verb is null
            ? ComputeLinks.Path("projects", project, "regions", region, "targetPools", targetPool)
            : ComputeLinks.Path("projects", project, "regions", region, "targetPools", targetPool, verb);
}
