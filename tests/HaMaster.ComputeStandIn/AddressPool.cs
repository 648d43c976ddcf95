using System.Net;
using System.Net.Sockets;

namespace HaMaster.Testing.Compute;

/// <summary>
/// A range of IPv4 addresses the stand-in hands out: <c>Prefix.First</c> to <c>Prefix.Last</c>, where
/// <see cref="Prefix"/> is the first three octets (<c>"127.9.4"</c>).
/// </summary>
public sealed record AddressPool
{
    public AddressPool(string prefix, int first, int last)
    {
        if (!IPAddress.TryParse(prefix + ".0", out var parsed) || parsed.AddressFamily != AddressFamily.InterNetwork || parsed.ToString() != prefix + ".0")
            throw new ArgumentException($"'{prefix}' is not the first three octets of an IPv4 address.", nameof(prefix));
        if (first is < 1 or > 254 || last is < 1 or > 254 || last < first)
            throw new ArgumentOutOfRangeException(nameof(last), $"The hosts must satisfy 1 <= first ({first}) <= last ({last}) <= 254.");
        Prefix = prefix;
        First = first;
        Last = last;
    }

    public string Prefix { get; }
    public int First { get; }
    public int Last { get; }

    public bool Contains(string address) =>
        address.StartsWith(Prefix + ".", StringComparison.Ordinal)
        && int.TryParse(address.AsSpan(Prefix.Length + 1), out var host) && host >= First && host <= Last;

    public override string ToString() => $"{Prefix}.{First}-{Last}";
}
