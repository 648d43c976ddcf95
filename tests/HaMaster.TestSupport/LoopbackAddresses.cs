using System.Net;
using System.Net.Sockets;
using HaMaster.Engine.Model;

namespace HaMaster.TestSupport;

/// <summary>
/// Loopback addresses for tests that start real servers, one named range (127.R.0.0/16) per use so
/// that ranges never meet each other nor the Local provider's blocks, which start at 127.16
/// (HaMaster.Local's LoopbackBlocks). Within a run a range hands out /24 blocks and single addresses,
/// each never twice (until all 254 blocks have gone round); it starts at a random block, so that two
/// runs at the same time seldom meet, and a range made with ports to check skips every address on
/// which one of them is taken.
/// </summary>
/// <remarks>
/// Second octets in use: 6 <see cref="LoadBalancer"/>, 7 <see cref="Endpoint"/>, 8 <see cref="Security"/>,
/// 12 <see cref="Ssh"/>; 9 is taken too, by the fake VMs' blocks (HaMaster.ComputeStandIn's
/// FakeVmAddressBlock, /24s reserved across processes), which stay apart from these ranges. A new use
/// takes another octet below 16.
/// </remarks>
public sealed class LoopbackAddresses
{
    /// <summary>127.6: a /24 per HAProxy test (its frontend and backends).</summary>
    public static LoopbackAddresses LoadBalancer { get; } = new(6);

    /// <summary>127.7: the API endpoint's tests, an address per etcd member and endpoint, each with the API and etcd ports free.</summary>
    public static LoopbackAddresses Endpoint { get; } = new(7, Ports.Api, Ports.EtcdClient, Ports.EtcdPeer);

    /// <summary>127.8: the security tests, an address per etcd or endpoint process, each with the API and etcd ports free.</summary>
    public static LoopbackAddresses Security { get; } = new(8, Ports.Api, Ports.EtcdClient, Ports.EtcdPeer);

    /// <summary>127.12: the SSH tunnel tests, an address per sshd or etcd; each caller names the ports it needs free (<see cref="NextWithFree"/>).</summary>
    public static LoopbackAddresses Ssh { get; } = new(12);

    private const int BlocksPerRange = 254;
    private const int HostsPerBlock = 254;
    private const int MaxAttempts = 4096;

    private readonly int[] portsToCheck;
    private readonly Lock gate = new();
    private int lastBlock = Random.Shared.Next(0, BlocksPerRange);
    private LoopbackBlock? current;
    private int lastHost = HostsPerBlock;

    private LoopbackAddresses(int secondOctet, params int[] portsToCheck)
    {
        SecondOctet = secondOctet;
        this.portsToCheck = portsToCheck;
    }

    /// <summary>R in 127.R.0.0/16.</summary>
    public int SecondOctet { get; }

    /// <summary>The ports that must be free on an address <see cref="Next"/> hands out (none: no check).</summary>
    public IReadOnlyList<int> PortsToCheck => portsToCheck;

    /// <summary>A /24 of its own, 127.R.N.0, with third octet N from 1 to 254.</summary>
    public LoopbackBlock NextBlock()
    {
        lock (gate) return TakeBlock();
    }

    /// <summary>An address no other caller of this range gets in this run, with every port of <see cref="PortsToCheck"/> free.</summary>
    public IPAddress Next() => NextWithFree();

    /// <summary>
    /// As <see cref="Next"/>, with <paramref name="ports"/> free as well as <see cref="PortsToCheck"/>:
    /// for a range whose callers listen on ports of their own.
    /// </summary>
    public IPAddress NextWithFree(params int[] ports)
    {
        int[] wanted = [.. portsToCheck, .. ports.Except(portsToCheck)];
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            IPAddress address;
            lock (gate)
            {
                if (current is null || lastHost == HostsPerBlock)
                {
                    current = TakeBlock();
                    lastHost = 0;
                }
                address = current.Address(++lastHost);
            }
            if (PortsAreFree(address, wanted)) return address;
        }
        throw new InvalidOperationException($"No loopback address in 127.{SecondOctet}.0.0/16 with ports {string.Join(", ", wanted)} free.");
    }

    private LoopbackBlock TakeBlock()
    {
        lastBlock = lastBlock % BlocksPerRange + 1;
        return new LoopbackBlock(SecondOctet, lastBlock);
    }

    private static bool PortsAreFree(IPAddress address, int[] ports)
    {
        foreach (var port in ports)
        {
            var listener = new TcpListener(address, port);
            try
            {
                listener.Start();
            }
            catch (SocketException)
            {
                return false;
            }
            finally
            {
                listener.Stop();
            }
        }
        return true;
    }
}
