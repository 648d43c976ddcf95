using Newtonsoft.Json;

namespace HaMaster.Gce.Compute;

/// <summary>A warning of an operation or a list page (for example <c>NO_RESULTS_ON_PAGE</c>).</summary>
public sealed class ComputeWarning
{
    [JsonProperty("code")] public string? Code { get; set; }
    [JsonProperty("message")] public string? Message { get; set; }
    [JsonProperty("data")] public List<ComputeWarningData>? Data { get; set; }
}

public sealed class ComputeWarningData
{
    [JsonProperty("key")] public string? Key { get; set; }
    [JsonProperty("value")] public string? Value { get; set; }
}
