namespace HaMaster;

/// <summary>The load balancer in front of the API endpoints (HAProxy on Local, a target pool and forwarding rule on Gce).</summary>
public sealed class LoadBalancer
{
    public required string Cluster { get; init; }
    public required string Name { get; init; }
    public required string Address { get; init; }
    public required string Status { get; init; }
    public IReadOnlyList<LoadBalancerBackend> Backends { get; init; } = Array.Empty<LoadBalancerBackend>();

    public override string ToString() => $"{Name} ({Address}, {Backends.Count(b => b.Healthy)}/{Backends.Count} backends up)";
}
