using System.Net;
using System.Net.Sockets;
using HaMaster.TestSupport;
using Xunit;

namespace HaMaster.Engine.Tests.Support;

/// <summary>The loopback ranges of the tests: apart from each other and from the Local provider's blocks, never handing out an address twice.</summary>
public sealed class LoopbackAddressesTests
{
    private static readonly LoopbackAddresses[] Ranges = [LoopbackAddresses.LoadBalancer, LoopbackAddresses.Endpoint, LoopbackAddresses.Security, LoopbackAddresses.Ssh];

    [Fact]
    public void Every_range_has_its_own_second_octet_below_the_Local_providers_blocks()
    {
        Assert.Equal(Ranges.Length, Ranges.Select(r => r.SecondOctet).Distinct().Count());
        Assert.All(Ranges, r => Assert.InRange(r.SecondOctet, 1, 15));
    }

    [Fact]
    public void No_range_takes_the_fake_VMs_octet()
    {
        Assert.DoesNotContain(9, Ranges.Select(r => r.SecondOctet));
    }

    [Fact]
    public void An_address_handed_out_with_ports_has_them_free()
    {
        var range = LoopbackAddresses.Ssh;
        var taken = range.NextWithFree(2222);
        using var listener = new TcpListener(taken, 2222);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;

        var address = range.NextWithFree(port);

        Assert.NotEqual(taken, address);
        Assert.Equal(range.SecondOctet, address.GetAddressBytes()[1]);
        using var probe = new TcpListener(address, port);
        probe.Start(); // free, as promised
        probe.Stop();
    }

    [Fact]
    public void Addresses_and_blocks_of_a_range_never_meet()
    {
        var range = LoopbackAddresses.Endpoint;
        var block = range.NextBlock();
        // More than a block's worth, so that the range moves on to a new block for single addresses.
        var addresses = Enumerable.Range(0, 300).Select(_ => range.Next()).ToList();
        var later = range.NextBlock();

        Assert.Equal(addresses.Count, addresses.Distinct().Count());
        foreach (var bytes in addresses.Select(a => a.GetAddressBytes()))
        {
            Assert.Equal(127, bytes[0]);
            Assert.Equal(range.SecondOctet, bytes[1]);
            Assert.InRange(bytes[2], 1, 254);
            Assert.InRange(bytes[3], 1, 254);
            Assert.NotEqual(block.ThirdOctet, bytes[2]);
            Assert.NotEqual(later.ThirdOctet, bytes[2]);
        }
        Assert.NotEqual(block, later);
    }

    [Fact]
    public void A_block_names_its_hosts()
    {
        var block = new LoopbackBlock(6, 41);

        Assert.Equal("127.6.41", block.Prefix);
        Assert.Equal(IPAddress.Parse("127.6.41.9"), block.Address(9));
        Assert.Throws<ArgumentOutOfRangeException>(() => block.Address(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => block.Address(255));
    }
}
