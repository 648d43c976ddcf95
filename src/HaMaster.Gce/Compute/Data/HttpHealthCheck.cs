using Newtonsoft.Json;

namespace HaMaster.Gce.Compute;

/// <summary>A legacy HTTP health check (<c>compute#httpHealthCheck</c>), the kind a target pool uses.</summary>
public sealed class HttpHealthCheck
{
    [JsonProperty("kind")] public string? Kind { get; set; }
    [JsonProperty("id")] public string? Id { get; set; }
    [JsonProperty("name")] public string? Name { get; set; }
    [JsonProperty("description")] public string? Description { get; set; }
    [JsonProperty("host")] public string? Host { get; set; }
    [JsonProperty("port")] public int? Port { get; set; }
    [JsonProperty("requestPath")] public string? RequestPath { get; set; }
    [JsonProperty("checkIntervalSec")] public int? CheckIntervalSec { get; set; }
    [JsonProperty("timeoutSec")] public int? TimeoutSec { get; set; }
    [JsonProperty("healthyThreshold")] public int? HealthyThreshold { get; set; }
    [JsonProperty("unhealthyThreshold")] public int? UnhealthyThreshold { get; set; }
    [JsonProperty("creationTimestamp")] public string? CreationTimestamp { get; set; }
    [JsonProperty("selfLink")] public string? SelfLink { get; set; }
}
