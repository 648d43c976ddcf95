namespace HaMaster.Local.LoadBalancer;

/// <summary>What the load balancer of one cluster must serve.</summary>
/// <param name="Frontend">IPv4 cluster address the load balancer listens on.</param>
/// <param name="Port">Port of the frontend and of every backend.</param>
/// <param name="Backends">Replicas to balance to.</param>
/// <param name="CaFile">Absolute path of the PEM cluster CA that backend certificates must chain to.</param>
/// <param name="Directory">Absolute path of the directory holding config, pid file, stats socket and log.</param>
public sealed record LoadBalancerSpec(
    string Frontend,
    int Port,
    IReadOnlyList<BackendReplica> Backends,
    string CaFile,
    string Directory);
