using Newtonsoft.Json;

namespace HaMaster.Gce.Compute;

/// <summary>A region (<c>compute#region</c>) with the URLs of its zones and its quotas.</summary>
public sealed class Region
{
    [JsonProperty("kind")] public string? Kind { get; set; }
    [JsonProperty("id")] public string? Id { get; set; }
    [JsonProperty("name")] public string? Name { get; set; }
    [JsonProperty("description")] public string? Description { get; set; }
    /// <summary>UP or DOWN.</summary>
    [JsonProperty("status")] public string? Status { get; set; }
    /// <summary>URLs of the region's zones.</summary>
    [JsonProperty("zones")] public List<string>? Zones { get; set; }
    [JsonProperty("quotas")] public List<Quota>? Quotas { get; set; }
    [JsonProperty("creationTimestamp")] public string? CreationTimestamp { get; set; }
    [JsonProperty("selfLink")] public string? SelfLink { get; set; }
}

/// <summary>A quota metric of a region (CPUS, STATIC_ADDRESSES, IN_USE_ADDRESSES…).</summary>
public sealed class Quota
{
    [JsonProperty("metric")] public string? Metric { get; set; }
    [JsonProperty("limit")] public double? Limit { get; set; }
    [JsonProperty("usage")] public double? Usage { get; set; }
}
