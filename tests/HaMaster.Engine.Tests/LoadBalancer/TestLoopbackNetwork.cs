namespace HaMaster.Engine.Tests.LoadBalancer;

/// <summary>A /24 of loopback addresses (127.6.N.0) for one test, so tests can run in parallel.</summary>
internal sealed record TestLoopbackNetwork(int Subnet)
{
    private static int lastSubnet = Random.Shared.Next(0, 254);

    public static TestLoopbackNetwork Allocate() => new((Interlocked.Increment(ref lastSubnet) & int.MaxValue) % 254 + 1);

    public string Address(int host) => $"127.6.{Subnet}.{host}";
}
