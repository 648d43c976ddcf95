using System.Net;
using System.Net.Sockets;

namespace HaMaster.Gce.Tests.Ssh;

/// <summary>Whether something listens on an address and port; the SSH tests' addresses come from HaMaster.TestSupport's LoopbackAddresses.Ssh.</summary>
internal static class TcpProbe
{
    public static bool Accepts(string address, int port)
    {
        using var client = new TcpClient();
        try
        {
            client.Connect(IPAddress.Parse(address), port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
