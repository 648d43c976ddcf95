using Newtonsoft.Json;

namespace HaMaster.Gce.Compute;

/// <summary>A regional forwarding rule (<c>compute#forwardingRule</c>). Note the API's capitals: <c>IPAddress</c>, <c>IPProtocol</c>.</summary>
public sealed class ForwardingRule
{
    [JsonProperty("kind")] public string? Kind { get; set; }
    [JsonProperty("id")] public string? Id { get; set; }
    [JsonProperty("name")] public string? Name { get; set; }
    [JsonProperty("description")] public string? Description { get; set; }
    [JsonProperty("region")] public string? Region { get; set; }
    [JsonProperty("IPAddress")] public string? IPAddress { get; set; }
    [JsonProperty("IPProtocol")] public string? IPProtocol { get; set; }
    /// <summary>For example <c>443-443</c>.</summary>
    [JsonProperty("portRange")] public string? PortRange { get; set; }
    [JsonProperty("ports")] public List<string>? Ports { get; set; }
    /// <summary>URL of the target (a target pool here).</summary>
    [JsonProperty("target")] public string? Target { get; set; }
    [JsonProperty("loadBalancingScheme")] public string? LoadBalancingScheme { get; set; }
    [JsonProperty("networkTier")] public string? NetworkTier { get; set; }
    [JsonProperty("labels")] public Dictionary<string, string>? Labels { get; set; }
    [JsonProperty("labelFingerprint")] public string? LabelFingerprint { get; set; }
    [JsonProperty("creationTimestamp")] public string? CreationTimestamp { get; set; }
    [JsonProperty("selfLink")] public string? SelfLink { get; set; }
}
