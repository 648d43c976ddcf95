using System.Text.Json.Nodes;

namespace HaMaster.Testing.Compute;

/// <summary>A live resource of the stand-in; rendered to JSON on every read.</summary>
internal abstract class Resource
{
    public required string Project { get; init; }
    public required Scope Scope { get; init; }
    public required string Name { get; init; }
    public required ulong Id { get; init; }
    public required DateTimeOffset Created { get; init; }
    public abstract string Collection { get; }
    public string Path => Links.Path(Project, Scope, Collection, Name);
    public ResourceRef Ref => new(Project, Scope, Collection, Name);
}

internal sealed class AddressResource : Resource
{
    public override string Collection => "addresses";
    public required string Ip { get; init; }
    public string Description { get; init; } = "";
    public string AddressType { get; init; } = "EXTERNAL";
    public string NetworkTier { get; init; } = "PREMIUM";
    public string? Purpose { get; init; }
    public SortedDictionary<string, string> Labels { get; set; } = new(StringComparer.Ordinal);
}

internal sealed class AccessConfig
{
    public required string Name { get; set; }
    public string Type { get; set; } = "ONE_TO_ONE_NAT";
    public string NetworkTier { get; set; } = "PREMIUM";

    /// <summary>Null while the instance is stopped and the access config had an ephemeral IP.</summary>
    public string? NatIp { get; set; }
}

internal sealed class NetworkInterface
{
    public required string Name { get; init; }
    public required string Network { get; init; }
    public required string Subnetwork { get; init; }
    public required string NetworkIp { get; init; }
    public List<AccessConfig> AccessConfigs { get; } = new();
}

internal sealed class InstanceResource : Resource
{
    public override string Collection => "instances";
    public string Zone => Scope.Name;
    public required string Region { get; init; }
    public required string MachineType { get; init; }
    public string? Description { get; init; }
    public bool? CanIpForward { get; init; }
    public bool DeletionProtection { get; init; }
    public SortedDictionary<string, string> Labels { get; set; } = new(StringComparer.Ordinal);
    public List<KeyValuePair<string, string>> Metadata { get; set; } = new();
    public List<string> Tags { get; set; } = new();
    public List<JsonObject> Disks { get; init; } = new();
    public List<NetworkInterface> Nics { get; init; } = new();
    public JsonObject Scheduling { get; init; } = new();
    public JsonArray? ServiceAccounts { get; init; }

    /// <summary>RUNNING, STOPPING, TERMINATED… (PROVISIONING/STAGING are derived from <see cref="RunningAt"/>, others from <see cref="ShownStatus"/>).</summary>
    public string Status { get; set; } = "RUNNING";

    /// <summary>While now &lt; RunningAt a RUNNING instance still reports PROVISIONING or STAGING.</summary>
    public DateTimeOffset RunningAt { get; set; }
    public DateTimeOffset BootStartedAt { get; set; }
    public bool BootIsFirst { get; set; }
    public DateTimeOffset? LastStart { get; set; }
    public DateTimeOffset? LastStop { get; set; }

    /// <summary>
    /// A status reported instead of the derived one (PENDING_STOP, DEPROVISIONING, PENDING, STOPPED),
    /// until <see cref="ShownUntil"/> (null: until the instance is next started or stopped).
    /// </summary>
    public string? ShownStatus { get; set; }
    public DateTimeOffset? ShownUntil { get; set; }

    /// <summary>What the guest published, by "namespace/key".</summary>
    public SortedDictionary<string, string> GuestAttributes { get; } = new(StringComparer.Ordinal);
}

internal sealed class FirewallResource : Resource
{
    public override string Collection => "firewalls";
    public string Description { get; init; } = "";
    public required string Network { get; init; }
    public string Direction { get; init; } = "INGRESS";
    public long Priority { get; init; } = 1000;
    public bool Disabled { get; init; }
    public JsonArray? Allowed { get; init; }
    public JsonArray? Denied { get; init; }
    public List<string> SourceRanges { get; init; } = new();
    public List<string> DestinationRanges { get; init; } = new();
    public List<string> SourceTags { get; init; } = new();
    public List<string> TargetTags { get; init; } = new();
}

internal sealed class HttpHealthCheckResource : Resource
{
    public override string Collection => "httpHealthChecks";
    public string Description { get; init; } = "";
    public string? Host { get; init; }
    public long Port { get; init; } = 80;
    public string RequestPath { get; init; } = "/";
    public long CheckIntervalSec { get; init; } = 5;
    public long TimeoutSec { get; init; } = 5;
    public long HealthyThreshold { get; init; } = 2;
    public long UnhealthyThreshold { get; init; } = 2;
}

internal sealed class TargetPoolResource : Resource
{
    public override string Collection => "targetPools";
    public string Description { get; init; } = "";
    public string SessionAffinity { get; init; } = "NONE";
    public double? FailoverRatio { get; init; }
    public ResourceRef? BackupPool { get; init; }
    public List<ResourceRef> HealthChecks { get; init; } = new();
    public List<ResourceRef> Instances { get; } = new();
}

internal sealed class ForwardingRuleResource : Resource
{
    public override string Collection => "forwardingRules";
    public string Description { get; init; } = "";
    public required string Ip { get; init; }
    public string IpProtocol { get; init; } = "TCP";
    public string? PortRange { get; init; }
    public List<string> Ports { get; init; } = new();
    public required ResourceRef Target { get; init; }
    public string LoadBalancingScheme { get; init; } = "EXTERNAL";
    public string NetworkTier { get; init; } = "PREMIUM";
    public SortedDictionary<string, string> Labels { get; set; } = new(StringComparer.Ordinal);
}
