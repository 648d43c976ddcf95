using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;

namespace HaMaster.Gce.Tests.Ssh;

/// <summary>
/// Picks unused loopback addresses in 127.12.0.0/16, inside the 127.1–127.15 range the Local
/// provider leaves to other tests, so nothing here meets a local cluster or another test.
/// </summary>
internal static class LoopbackAddress
{
    public static string Free(params int[] ports)
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var address = $"127.12.{RandomNumberGenerator.GetInt32(0, 256)}.{RandomNumberGenerator.GetInt32(2, 255)}";
            if (ports.All(port => CanBind(address, port))) return address;
        }
        throw new InvalidOperationException("No free loopback address in 127.12.0.0/16.");
    }

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

    private static bool CanBind(string address, int port)
    {
        try
        {
            var listener = new TcpListener(IPAddress.Parse(address), port);
            listener.Start();
            listener.Stop();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
