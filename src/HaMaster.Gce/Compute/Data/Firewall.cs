using Newtonsoft.Json;

namespace HaMaster.Gce.Compute;

/// <summary>A VPC firewall rule (<c>compute#firewall</c>).</summary>
public sealed class Firewall
{
    [JsonProperty("kind")] public string? Kind { get; set; }
    [JsonProperty("id")] public string? Id { get; set; }
    [JsonProperty("name")] public string? Name { get; set; }
    [JsonProperty("description")] public string? Description { get; set; }
    /// <summary>For example <c>global/networks/default</c>.</summary>
    [JsonProperty("network")] public string? Network { get; set; }
    [JsonProperty("priority")] public int? Priority { get; set; }
    /// <summary>INGRESS or EGRESS.</summary>
    [JsonProperty("direction")] public string? Direction { get; set; }
    [JsonProperty("sourceRanges")] public List<string>? SourceRanges { get; set; }
    [JsonProperty("destinationRanges")] public List<string>? DestinationRanges { get; set; }
    [JsonProperty("sourceTags")] public List<string>? SourceTags { get; set; }
    [JsonProperty("targetTags")] public List<string>? TargetTags { get; set; }
    [JsonProperty("allowed")] public List<FirewallRule>? Allowed { get; set; }
    [JsonProperty("denied")] public List<FirewallRule>? Denied { get; set; }
    [JsonProperty("disabled")] public bool? Disabled { get; set; }
    [JsonProperty("creationTimestamp")] public string? CreationTimestamp { get; set; }
    [JsonProperty("selfLink")] public string? SelfLink { get; set; }
}

/// <summary>One allowed or denied protocol with its ports.</summary>
public sealed class FirewallRule
{
    /// <summary>tcp, udp, icmp… (the API spells the JSON name <c>IPProtocol</c>).</summary>
    [JsonProperty("IPProtocol")] public string? IPProtocol { get; set; }
    [JsonProperty("ports")] public List<string>? Ports { get; set; }
}
