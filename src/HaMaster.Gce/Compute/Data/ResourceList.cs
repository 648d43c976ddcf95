using Newtonsoft.Json;

namespace HaMaster.Gce.Compute;

/// <summary>
/// One page of a list call (<c>compute#addressList</c>, <c>compute#instanceList</c>…). The API leaves
/// <see cref="Items"/> out when the page is empty; <see cref="NextPageToken"/> is absent on the last page.
/// </summary>
public sealed class ResourceList<T>
{
    [JsonProperty("kind")] public string? Kind { get; set; }
    [JsonProperty("id")] public string? Id { get; set; }
    [JsonProperty("items")] public List<T>? Items { get; set; }
    [JsonProperty("nextPageToken")] public string? NextPageToken { get; set; }
    [JsonProperty("selfLink")] public string? SelfLink { get; set; }
    [JsonProperty("warning")] public ComputeWarning? Warning { get; set; }
}

/// <summary>
/// One page of an aggregated list: <see cref="Items"/> maps a scope (<c>zones/us-central1-a</c>) to the
/// resources in it, or to a <c>NO_RESULTS_ON_PAGE</c> warning.
/// </summary>
public sealed class AggregatedList<TScoped>
{
    [JsonProperty("kind")] public string? Kind { get; set; }
    [JsonProperty("id")] public string? Id { get; set; }
    [JsonProperty("items")] public Dictionary<string, TScoped>? Items { get; set; }
    [JsonProperty("nextPageToken")] public string? NextPageToken { get; set; }
    [JsonProperty("selfLink")] public string? SelfLink { get; set; }
    [JsonProperty("warning")] public ComputeWarning? Warning { get; set; }
    [JsonProperty("unreachables")] public List<string>? Unreachables { get; set; }
}

/// <summary>The instances of one zone in an aggregated instance list.</summary>
public sealed class InstancesScopedList
{
    [JsonProperty("instances")] public List<Instance>? Instances { get; set; }
    [JsonProperty("warning")] public ComputeWarning? Warning { get; set; }
}
