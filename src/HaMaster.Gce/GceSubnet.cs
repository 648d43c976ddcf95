using System.Net;
using System.Net.Sockets;

namespace HaMaster.Gce;

/// <summary>
/// Internal addresses of replicas. The module chooses them (rather than letting Compute Engine pick)
/// because the engine needs a replica's address before the VM exists: it goes into the replica's etcd
/// peer URL and certificates. It counts down from the top of the subnet range, skipping the two
/// addresses Compute Engine reserves at the end and the addresses of the cluster's replicas; Compute
/// Engine hands out automatic addresses from the bottom, so the two rarely meet (an insert on an
/// address in use fails with a conflict, and the flow is rolled back).
/// </summary>
public static class GceSubnet
{
    // The ranges of an auto-mode VPC network (documented by Compute Engine, one /20 per region).
    private static readonly Dictionary<string, string> AutoMode = new(StringComparer.Ordinal)
    {
        ["us-central1"] = "10.128.0.0/20",
        ["europe-west1"] = "10.132.0.0/20",
        ["us-west1"] = "10.138.0.0/20",
        ["asia-east1"] = "10.140.0.0/20",
        ["us-east1"] = "10.142.0.0/20",
        ["asia-northeast1"] = "10.146.0.0/20",
        ["asia-southeast1"] = "10.148.0.0/20",
        ["us-east4"] = "10.150.0.0/20",
        ["australia-southeast1"] = "10.152.0.0/20",
        ["europe-west2"] = "10.154.0.0/20",
        ["europe-west3"] = "10.156.0.0/20",
        ["southamerica-east1"] = "10.158.0.0/20",
        ["asia-south1"] = "10.160.0.0/20",
        ["northamerica-northeast1"] = "10.162.0.0/20",
        ["europe-west4"] = "10.164.0.0/20",
        ["europe-north1"] = "10.166.0.0/20",
        ["us-west2"] = "10.168.0.0/20",
        ["asia-east2"] = "10.170.0.0/20",
        ["europe-west6"] = "10.172.0.0/20",
        ["asia-northeast2"] = "10.174.0.0/20",
        ["asia-northeast3"] = "10.178.0.0/20",
    };

    /// <summary>The region's range in an auto-mode network; null for a region this table does not know.</summary>
    public static string? AutoModeRange(string region) => AutoMode.GetValueOrDefault(region);

    /// <summary>Parses an IPv4 CIDR (network, prefix length); throws <see cref="FormatException"/> otherwise.</summary>
    public static (uint Network, int Bits) Parse(string cidr)
    {
        var parts = (cidr ?? "").Split('/');
        if (parts.Length != 2 || !IPAddress.TryParse(parts[0], out var address) || address.AddressFamily != AddressFamily.InterNetwork
            || !int.TryParse(parts[1], out var bits) || bits is < 8 or > 29)
            throw new FormatException($"'{cidr}' is not an IPv4 range between /8 and /29 such as 10.128.0.0/20.");
        var mask = uint.MaxValue << (32 - bits);
        return (ToUInt(address) & mask, bits);
    }

    /// <summary>The highest usable address of <paramref name="cidr"/> not in <paramref name="taken"/>; null when none is left.</summary>
    public static string? Allocate(string cidr, IEnumerable<string> taken)
    {
        var (network, bits) = Parse(cidr);
        var used = taken.ToHashSet(StringComparer.Ordinal);
        var broadcast = network | (uint.MaxValue >> bits);
        // Compute Engine reserves the network, the gateway (.1), the second-to-last and the broadcast address.
        for (var host = broadcast - 2; host >= network + 2; host--)
        {
            var candidate = FromUInt(host);
            if (!used.Contains(candidate)) return candidate;
        }
        return null;
    }

    private static uint ToUInt(IPAddress address)
    {
        var b = address.GetAddressBytes();
        return (uint)(b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3]);
    }

    private static string FromUInt(uint value) =>
        new IPAddress([(byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value]).ToString();
}
