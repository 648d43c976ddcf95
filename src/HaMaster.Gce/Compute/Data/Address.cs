using Newtonsoft.Json;

namespace HaMaster.Gce.Compute;

/// <summary>A regional static address (<c>compute#address</c>).</summary>
public sealed class Address
{
    [JsonProperty("kind")] public string? Kind { get; set; }
    [JsonProperty("id")] public string? Id { get; set; }
    [JsonProperty("name")] public string? Name { get; set; }
    [JsonProperty("description")] public string? Description { get; set; }
    /// <summary>The IP address itself; give it on insert to reserve a specific one.</summary>
    [JsonProperty("address")] public string? IPAddress { get; set; }
    /// <summary>EXTERNAL or INTERNAL.</summary>
    [JsonProperty("addressType")] public string? AddressType { get; set; }
    /// <summary>PREMIUM or STANDARD.</summary>
    [JsonProperty("networkTier")] public string? NetworkTier { get; set; }
    [JsonProperty("purpose")] public string? Purpose { get; set; }
    [JsonProperty("subnetwork")] public string? Subnetwork { get; set; }
    [JsonProperty("region")] public string? Region { get; set; }
    /// <summary>RESERVING, RESERVED or IN_USE.</summary>
    [JsonProperty("status")] public string? Status { get; set; }
    /// <summary>URLs of the resources using the address; present only when IN_USE.</summary>
    [JsonProperty("users")] public List<string>? Users { get; set; }
    [JsonProperty("labels")] public Dictionary<string, string>? Labels { get; set; }
    [JsonProperty("labelFingerprint")] public string? LabelFingerprint { get; set; }
    [JsonProperty("creationTimestamp")] public string? CreationTimestamp { get; set; }
    [JsonProperty("selfLink")] public string? SelfLink { get; set; }
}
