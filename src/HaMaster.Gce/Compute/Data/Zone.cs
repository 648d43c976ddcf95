using Newtonsoft.Json;

namespace HaMaster.Gce.Compute;

/// <summary>A zone (<c>compute#zone</c>).</summary>
public sealed class Zone
{
    [JsonProperty("kind")] public string? Kind { get; set; }
    [JsonProperty("id")] public string? Id { get; set; }
    [JsonProperty("name")] public string? Name { get; set; }
    [JsonProperty("description")] public string? Description { get; set; }
    /// <summary>URL of the zone's region.</summary>
    [JsonProperty("region")] public string? Region { get; set; }
    /// <summary>UP or DOWN.</summary>
    [JsonProperty("status")] public string? Status { get; set; }
    [JsonProperty("creationTimestamp")] public string? CreationTimestamp { get; set; }
    [JsonProperty("selfLink")] public string? SelfLink { get; set; }
}
