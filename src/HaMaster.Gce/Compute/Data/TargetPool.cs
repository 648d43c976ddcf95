using Newtonsoft.Json;

namespace HaMaster.Gce.Compute;

/// <summary>A regional target pool (<c>compute#targetPool</c>). Empty lists are left out by the API.</summary>
public sealed class TargetPool
{
    [JsonProperty("kind")] public string? Kind { get; set; }
    [JsonProperty("id")] public string? Id { get; set; }
    [JsonProperty("name")] public string? Name { get; set; }
    [JsonProperty("description")] public string? Description { get; set; }
    [JsonProperty("region")] public string? Region { get; set; }
    /// <summary>URLs of <see cref="HttpHealthCheck"/>s (at most one).</summary>
    [JsonProperty("healthChecks")] public List<string>? HealthChecks { get; set; }
    /// <summary>URLs of member instances (links may say <c>/compute/beta/</c>: compare by their tail).</summary>
    [JsonProperty("instances")] public List<string>? Instances { get; set; }
    /// <summary>NONE, CLIENT_IP or CLIENT_IP_PROTO.</summary>
    [JsonProperty("sessionAffinity")] public string? SessionAffinity { get; set; }
    [JsonProperty("failoverRatio")] public double? FailoverRatio { get; set; }
    [JsonProperty("backupPool")] public string? BackupPool { get; set; }
    [JsonProperty("creationTimestamp")] public string? CreationTimestamp { get; set; }
    [JsonProperty("selfLink")] public string? SelfLink { get; set; }
}

/// <summary>An instance named by URL, as <c>targetPools.addInstance</c>, <c>removeInstance</c> and <c>getHealth</c> take it.</summary>
public sealed class InstanceReference
{
    [JsonProperty("instance")] public string? Instance { get; set; }
}

/// <summary>The body of <c>targetPools.addInstance</c> and <c>targetPools.removeInstance</c>.</summary>
public sealed class TargetPoolInstancesRequest
{
    [JsonProperty("instances")] public List<InstanceReference>? Instances { get; set; }
}

/// <summary>The answer of <c>targetPools.getHealth</c> (<c>compute#targetPoolInstanceHealth</c>).</summary>
public sealed class TargetPoolInstanceHealth
{
    [JsonProperty("kind")] public string? Kind { get; set; }
    [JsonProperty("healthStatus")] public List<HealthStatus>? HealthStatus { get; set; }
}

public sealed class HealthStatus
{
    public const string Healthy = "HEALTHY";
    public const string Unhealthy = "UNHEALTHY";

    [JsonProperty("instance")] public string? Instance { get; set; }
    [JsonProperty("ipAddress")] public string? IpAddress { get; set; }
    [JsonProperty("port")] public int? Port { get; set; }
    /// <summary>HEALTHY or UNHEALTHY.</summary>
    [JsonProperty("healthState")] public string? HealthState { get; set; }
}
