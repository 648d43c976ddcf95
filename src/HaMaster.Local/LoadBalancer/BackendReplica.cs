namespace HaMaster.Local.LoadBalancer;

/// <summary>One replica behind the load balancer: its name (also the DNS SAN of its serving
/// certificate) and its IPv4 address. The port is the spec's <see cref="LoadBalancerSpec.Port"/>.</summary>
public sealed record BackendReplica(string Name, string Address);
