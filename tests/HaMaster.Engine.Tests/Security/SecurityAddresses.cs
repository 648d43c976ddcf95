using System.Net;
using System.Net.Sockets;
using HaMaster.Engine.Model;

namespace HaMaster.Engine.Tests.Security;

/// <summary>
/// Loopback addresses in 127.8.0.0/16 for the security tests, one per process started by hand, never
/// handed out twice in a run. An address whose API, etcd client or etcd peer port is already taken
/// (another run, another test suite) is skipped.
/// </summary>
internal static class SecurityAddresses
{
    private static readonly int FirstBlock = Random.Shared.Next(0, 254);
    private static int last = Random.Shared.Next(0, 254);

    public static IPAddress Next()
    {
        for (var attempt = 0; attempt < 4096; attempt++)
        {
            var n = Interlocked.Increment(ref last) & int.MaxValue;
            var third = (FirstBlock + n / 254) % 254 + 1;
            var fourth = n % 254 + 1;
            var address = new IPAddress([127, 8, (byte)third, (byte)fourth]);
            if (PortsAreFree(address)) return address;
        }
        throw new InvalidOperationException("No free loopback address in 127.8.0.0/16.");
    }

    private static bool PortsAreFree(IPAddress address)
    {
        foreach (var port in new[] { Ports.Api, Ports.EtcdClient, Ports.EtcdPeer })
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
