using System.Globalization;
using System.Net;

namespace HaMaster.Local.Processes;

/// <summary>
/// The TCP sockets listening on this machine, as Linux lists them in <c>/proc/net/tcp</c>, and which
/// process holds one (its <c>/proc/&lt;pid&gt;/fd</c> links name the socket's inode). A connect cannot
/// tell them apart: another program listening on a replica's port answers it as well.
/// </summary>
internal static class ListeningSockets
{
    private const string ListenState = "0A";

    /// <summary>The inode of the socket listening on exactly <paramref name="address"/>:<paramref name="port"/>, or null when none does.</summary>
    public static long? InodeOf(string address, int port)
    {
        var ip = IPAddress.Parse(address);
        return Listening().Where(s => s.Port == port && s.Address.Equals(ip)).Select(s => (long?)s.Inode).FirstOrDefault();
    }

    /// <summary>Whether a program listens on <paramref name="address"/> on any of <paramref name="ports"/>.</summary>
    public static bool AnyOn(string address, IEnumerable<int> ports)
    {
        var wanted = ports.ToHashSet();
        var ip = IPAddress.Parse(address);
        return Listening().Any(s => wanted.Contains(s.Port) && s.Address.Equals(ip));
    }

    /// <summary>Whether a program listens on an address of the block <paramref name="prefix"/> (such as "127.34.201").</summary>
    public static bool AnyInBlock(string prefix) =>
        Listening().Any(s => s.Address.ToString().StartsWith(prefix + ".", StringComparison.Ordinal));

    /// <summary>Whether one of <paramref name="pids"/> holds the socket with <paramref name="inode"/>.</summary>
    public static bool HeldBy(long inode, IEnumerable<int> pids)
    {
        var link = $"socket:[{inode.ToString(CultureInfo.InvariantCulture)}]";
        foreach (var pid in pids)
        {
            try
            {
                foreach (var fd in Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd"))
                    if (new FileInfo(fd).LinkTarget == link) return true;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The process is gone, or not ours to read: it does not hold the socket for us.
            }
        }
        return false;
    }

    private static IEnumerable<(IPAddress Address, int Port, long Inode)> Listening()
    {
        foreach (var line in File.ReadLines("/proc/net/tcp").Skip(1))
        {
            // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 10 || fields[3] != ListenState) continue;
            var local = fields[1].Split(':');
            // The address is printed as the 32-bit number in host byte order, which IPAddress(long) reads back the same way.
            yield return (new IPAddress(long.Parse(local[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture)),
                int.Parse(local[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture),
                long.Parse(fields[9], CultureInfo.InvariantCulture));
        }
    }
}
