namespace HaMaster.Engine.Model;

public enum ClusterStatus
{
    Healthy,
    Degraded,
    NoQuorum,
    Stopped,
}
