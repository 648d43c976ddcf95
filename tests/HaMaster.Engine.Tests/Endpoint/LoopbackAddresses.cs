using System.Net;

namespace HaMaster.Engine.Tests.Endpoint;

/// <summary>Hands out loopback addresses in 127.7.0.0/16 that no other test of this run uses (HaMaster draws its own blocks from 127.16 up).</summary>
public static class LoopbackAddresses
{
    private static readonly int ThirdOctet = Random.Shared.Next(1, 255);
    private static int lastFourthOctet = Random.Shared.Next(1, 100);

    public static IPAddress Next()
    {
        int fourth = Interlocked.Increment(ref lastFourthOctet);
        int third = (ThirdOctet + (fourth - 1) / 254) % 254 + 1;
        return new IPAddress(new byte[] { 127, 7, (byte)third, (byte)((fourth - 1) % 254 + 1) });
    }
}
