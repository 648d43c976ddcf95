namespace HaMaster.Engine.Etcd;

/// <summary>An etcd request failed; <see cref="Reason"/> is etcd's own words (for example "etcdserver: unhealthy cluster").</summary>
public sealed class EtcdRequestException : Exception
{
    public EtcdRequestException(string endpoint, string operation, string reason, Exception? inner = null)
        : base($"etcd {operation} at {endpoint} failed: {reason}", inner)
    {
        Endpoint = endpoint;
        Reason = reason;
    }

    public string Endpoint { get; }
    public string Reason { get; }

    public bool IsNotInSync => Reason.Contains("in sync with leader", StringComparison.OrdinalIgnoreCase);
    public bool IsMemberNotFound => Reason.Contains("member not found", StringComparison.OrdinalIgnoreCase);
    public bool IsPeerUrlExists => Reason.Contains("Peer URLs already exists", StringComparison.OrdinalIgnoreCase);
    public bool IsUnhealthyCluster => Reason.Contains("unhealthy cluster", StringComparison.OrdinalIgnoreCase);
}
