namespace HaMaster.Local.LoadBalancer;

/// <summary>A backend as the running HAProxy sees it.</summary>
public sealed record BackendStatus(string Name, string Address, BackendState State);
