namespace HaMaster.Engine.Model;

/// <summary>The same ports on every address, so replicas differ only by address.</summary>
public static class Ports
{
    public const int Api = 6443;
    public const int EtcdClient = 2379;
    public const int EtcdPeer = 2380;
}
