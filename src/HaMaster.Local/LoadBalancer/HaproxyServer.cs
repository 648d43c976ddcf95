namespace HaMaster.Local.LoadBalancer;

/// <summary>A server line of the running HAProxy backend.</summary>
internal sealed record HaproxyServer(string Name, string Address, int Port, BackendState State);
