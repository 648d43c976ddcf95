using Newtonsoft.Json;

namespace HaMaster.Gce.Compute;

/// <summary>A virtual machine (<c>compute#instance</c>).</summary>
public sealed class Instance
{
    public const string StatusRunning = "RUNNING";
    public const string StatusTerminated = "TERMINATED";

    [JsonProperty("kind")] public string? Kind { get; set; }
    [JsonProperty("id")] public string? Id { get; set; }
    [JsonProperty("name")] public string? Name { get; set; }
    [JsonProperty("description")] public string? Description { get; set; }
    [JsonProperty("zone")] public string? Zone { get; set; }
    /// <summary>On insert a partial URL such as <c>zones/us-central1-a/machineTypes/e2-small</c>.</summary>
    [JsonProperty("machineType")] public string? MachineType { get; set; }
    /// <summary>PROVISIONING, STAGING, RUNNING, STOPPING, SUSPENDED, TERMINATED…</summary>
    [JsonProperty("status")] public string? Status { get; set; }
    [JsonProperty("statusMessage")] public string? StatusMessage { get; set; }
    [JsonProperty("labels")] public Dictionary<string, string>? Labels { get; set; }
    [JsonProperty("labelFingerprint")] public string? LabelFingerprint { get; set; }
    [JsonProperty("tags")] public Tags? Tags { get; set; }
    [JsonProperty("metadata")] public Metadata? Metadata { get; set; }
    [JsonProperty("networkInterfaces")] public List<NetworkInterface>? NetworkInterfaces { get; set; }
    [JsonProperty("disks")] public List<AttachedDisk>? Disks { get; set; }
    [JsonProperty("serviceAccounts")] public List<ServiceAccount>? ServiceAccounts { get; set; }
    [JsonProperty("scheduling")] public Scheduling? Scheduling { get; set; }
    [JsonProperty("canIpForward")] public bool? CanIpForward { get; set; }
    [JsonProperty("deletionProtection")] public bool? DeletionProtection { get; set; }
    [JsonProperty("cpuPlatform")] public string? CpuPlatform { get; set; }
    [JsonProperty("fingerprint")] public string? Fingerprint { get; set; }
    [JsonProperty("creationTimestamp")] public string? CreationTimestamp { get; set; }
    [JsonProperty("lastStartTimestamp")] public string? LastStartTimestamp { get; set; }
    [JsonProperty("selfLink")] public string? SelfLink { get; set; }
}

/// <summary>Network tags of an instance; <see cref="Fingerprint"/> is needed to change them.</summary>
public sealed class Tags
{
    [JsonProperty("items")] public List<string>? Items { get; set; }
    [JsonProperty("fingerprint")] public string? Fingerprint { get; set; }
}

/// <summary>
/// Instance metadata (<c>compute#metadata</c>). <c>setMetadata</c> replaces all items and needs the
/// current <see cref="Fingerprint"/>.
/// </summary>
public sealed class Metadata
{
    [JsonProperty("kind")] public string? Kind { get; set; }
    [JsonProperty("fingerprint")] public string? Fingerprint { get; set; }
    [JsonProperty("items")] public List<MetadataItem>? Items { get; set; }
}

public sealed class MetadataItem
{
    [JsonProperty("key")] public string? Key { get; set; }
    [JsonProperty("value")] public string? Value { get; set; }
}

/// <summary>A network interface of an instance (<c>nic0</c> is the first).</summary>
public sealed class NetworkInterface
{
    [JsonProperty("kind")] public string? Kind { get; set; }
    [JsonProperty("name")] public string? Name { get; set; }
    [JsonProperty("network")] public string? Network { get; set; }
    [JsonProperty("subnetwork")] public string? Subnetwork { get; set; }
    [JsonProperty("networkIP")] public string? NetworkIP { get; set; }
    [JsonProperty("stackType")] public string? StackType { get; set; }
    [JsonProperty("fingerprint")] public string? Fingerprint { get; set; }
    /// <summary>At most one ONE_TO_ONE_NAT access config per interface.</summary>
    [JsonProperty("accessConfigs")] public List<AccessConfig>? AccessConfigs { get; set; }
}

/// <summary>
/// An external address attached to a network interface (<c>compute#accessConfig</c>). Without
/// <see cref="NatIP"/> an ephemeral address is given; with a reserved static address of the same
/// region that address becomes IN_USE.
/// </summary>
public sealed class AccessConfig
{
    public const string OneToOneNat = "ONE_TO_ONE_NAT";

    [JsonProperty("kind")] public string? Kind { get; set; }
    [JsonProperty("type")] public string? Type { get; set; }
    [JsonProperty("name")] public string? Name { get; set; }
    [JsonProperty("natIP")] public string? NatIP { get; set; }
    [JsonProperty("networkTier")] public string? NetworkTier { get; set; }
}

/// <summary>A disk attached to an instance (<c>compute#attachedDisk</c>).</summary>
public sealed class AttachedDisk
{
    [JsonProperty("kind")] public string? Kind { get; set; }
    /// <summary>PERSISTENT or SCRATCH.</summary>
    [JsonProperty("type")] public string? Type { get; set; }
    [JsonProperty("mode")] public string? Mode { get; set; }
    [JsonProperty("source")] public string? Source { get; set; }
    [JsonProperty("deviceName")] public string? DeviceName { get; set; }
    [JsonProperty("index")] public int? Index { get; set; }
    [JsonProperty("boot")] public bool? Boot { get; set; }
    [JsonProperty("autoDelete")] public bool? AutoDelete { get; set; }
    [JsonProperty("interface")] public string? Interface { get; set; }
    /// <summary>int64, carried as a string.</summary>
    [JsonProperty("diskSizeGb")] public string? DiskSizeGb { get; set; }
    [JsonProperty("initializeParams")] public AttachedDiskInitializeParams? InitializeParams { get; set; }
}

/// <summary>How to create the disk of an <see cref="AttachedDisk"/> on instance insert.</summary>
public sealed class AttachedDiskInitializeParams
{
    [JsonProperty("diskName")] public string? DiskName { get; set; }
    /// <summary>For example <c>projects/debian-cloud/global/images/family/debian-12</c>.</summary>
    [JsonProperty("sourceImage")] public string? SourceImage { get; set; }
    [JsonProperty("diskSizeGb")] public string? DiskSizeGb { get; set; }
    [JsonProperty("diskType")] public string? DiskType { get; set; }
    [JsonProperty("labels")] public Dictionary<string, string>? Labels { get; set; }
}

/// <summary>A service account and its OAuth scopes, given to an instance.</summary>
public sealed class ServiceAccount
{
    [JsonProperty("email")] public string? Email { get; set; }
    [JsonProperty("scopes")] public List<string>? Scopes { get; set; }
}

public sealed class Scheduling
{
    [JsonProperty("automaticRestart")] public bool? AutomaticRestart { get; set; }
    [JsonProperty("onHostMaintenance")] public string? OnHostMaintenance { get; set; }
    [JsonProperty("preemptible")] public bool? Preemptible { get; set; }
    [JsonProperty("provisioningModel")] public string? ProvisioningModel { get; set; }
}

/// <summary>The body of <c>instances.setLabels</c> (and of the regional setLabels calls).</summary>
public sealed class SetLabelsRequest
{
    [JsonProperty("labels")] public Dictionary<string, string>? Labels { get; set; }
    /// <summary>The current <c>labelFingerprint</c> of the resource.</summary>
    [JsonProperty("labelFingerprint")] public string? LabelFingerprint { get; set; }
}
