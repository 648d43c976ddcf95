using System.Globalization;
using System.Net;

namespace HaMaster.Tests.Model;

/// <summary>The IPv4 TCP sockets listening on this machine, read from /proc/net/tcp (whoever owns them).</summary>
public static class ListeningSockets
{
    private const string ListenState = "0A";

    /// <summary>"address:port" of every listening socket whose address starts with <paramref name="addressPrefix"/>.</summary>
    public static IReadOnlySet<string> Under(string addressPrefix)
    {
        var found = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines("/proc/net/tcp").Skip(1))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 4 || fields[3] != ListenState) continue;
            var local = fields[1].Split(':');
            // The kernel prints the address's bytes as one host-order number; BitConverter gives them back in memory (network) order.
            var address = new IPAddress(BitConverter.GetBytes(uint.Parse(local[0], NumberStyles.HexNumber))).ToString();
            var port = int.Parse(local[1], NumberStyles.HexNumber);
            if (address.StartsWith(addressPrefix, StringComparison.Ordinal)) found.Add($"{address}:{port}");
        }
        return found;
    }
}
