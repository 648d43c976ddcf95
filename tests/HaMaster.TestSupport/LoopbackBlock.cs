using System.Net;

namespace HaMaster.TestSupport;

/// <summary>A /24 of loopback addresses, 127.R.N.0, that one test has to itself (see <see cref="LoopbackAddresses.NextBlock"/>).</summary>
public sealed record LoopbackBlock(int SecondOctet, int ThirdOctet)
{
    /// <summary>The first three octets, such as "127.6.41".</summary>
    public string Prefix => $"127.{SecondOctet}.{ThirdOctet}";

    /// <summary>127.R.N.<paramref name="host"/>, for <paramref name="host"/> from 1 to 254.</summary>
    public IPAddress Address(int host)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(host, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(host, 254);
        return new IPAddress([127, (byte)SecondOctet, (byte)ThirdOctet, (byte)host]);
    }

    public override string ToString() => $"{Prefix}.0/24";
}
