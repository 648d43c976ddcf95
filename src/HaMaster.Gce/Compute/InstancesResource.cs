namespace HaMaster.Gce.Compute;

/// <summary><c>projects/{project}/zones/{zone}/instances</c>: virtual machines.</summary>
public sealed class InstancesResource
{
    /// <summary>The name of an instance's first network interface.</summary>
    public const string FirstNetworkInterface = "nic0";

    private readonly ComputeService _service;

    internal InstancesResource(ComputeService service) => _service = service;

    public ComputeReadRequest<Instance> Get(string project, string zone, string instance) =>
        new(_service, "compute.instances.get", InstancePath(project, zone, instance));

    public ComputeListRequest<Instance> List(string project, string zone) =>
        new(_service, "compute.instances.list", ComputeLinks.Path("projects", project, "zones", zone, "instances"));

    /// <summary><c>GET projects/{project}/aggregated/instances</c>: the instances of every zone.</summary>
    public InstancesAggregatedListRequest AggregatedList(string project) =>
        new(_service, ComputeLinks.Path("projects", project, "aggregated", "instances"));

    public ComputeMutation Insert(string project, string zone, Instance body) =>
        new(_service, "compute.instances.insert", "POST",
            ComputeLinks.Path("projects", project, "zones", zone, "instances"), Require.Body(body));

    public ComputeMutation Delete(string project, string zone, string instance) =>
        new(_service, "compute.instances.delete", "DELETE", InstancePath(project, zone, instance));

    /// <summary>Attaches an external address to a network interface (<c>natIP</c> absent: an ephemeral one).</summary>
    public AddAccessConfigRequest AddAccessConfig(string project, string zone, string instance, AccessConfig body,
        string networkInterface = FirstNetworkInterface) =>
        new(_service, InstancePath(project, zone, instance, "addAccessConfig"), networkInterface,
            Require.Body(body));

    /// <summary>Detaches the access config named <paramref name="accessConfig"/> (e.g. <c>External NAT</c>).</summary>
    public DeleteAccessConfigRequest DeleteAccessConfig(string project, string zone, string instance,
        string accessConfig, string networkInterface = FirstNetworkInterface) =>
        new(_service, InstancePath(project, zone, instance, "deleteAccessConfig"), accessConfig, networkInterface);

    /// <summary>Replaces the labels; the body must carry the instance's current <c>labelFingerprint</c>.</summary>
    public ComputeMutation SetLabels(string project, string zone, string instance, SetLabelsRequest body) =>
        new(_service, "compute.instances.setLabels", "POST", InstancePath(project, zone, instance, "setLabels"),
            Require.Body(body));

    /// <summary>Replaces all metadata items; the body must carry the current metadata <c>fingerprint</c>.</summary>
    public ComputeMutation SetMetadata(string project, string zone, string instance, Metadata body) =>
        new(_service, "compute.instances.setMetadata", "POST", InstancePath(project, zone, instance, "setMetadata"),
            Require.Body(body));

    /// <summary>Replaces the network tags; the body must carry the current tags <c>fingerprint</c>.</summary>
    public ComputeMutation SetTags(string project, string zone, string instance, Tags body) =>
        new(_service, "compute.instances.setTags", "POST", InstancePath(project, zone, instance, "setTags"),
            Require.Body(body));

    /// <summary>
    /// What the guest published under <paramref name="queryPath"/> (<c>hostkeys/</c>: the SSH host keys).
    /// Answers 404 while nothing is published there, and 400 when the instance's metadata does not
    /// enable guest attributes.
    /// </summary>
    public GetGuestAttributesRequest GetGuestAttributes(string project, string zone, string instance, string queryPath) =>
        new(_service, InstancePath(project, zone, instance, "getGuestAttributes"), queryPath);

    public ComputeMutation Start(string project, string zone, string instance) =>
        new(_service, "compute.instances.start", "POST", InstancePath(project, zone, instance, "start"));

    public ComputeMutation Stop(string project, string zone, string instance) =>
        new(_service, "compute.instances.stop", "POST", InstancePath(project, zone, instance, "stop"));

    private static string InstancePath(string project, string zone, string instance, string? verb = null) =>
        verb is null
            ? ComputeLinks.Path("projects", project, "zones", zone, "instances", instance)
            : ComputeLinks.Path("projects", project, "zones", zone, "instances", instance, verb);
}
