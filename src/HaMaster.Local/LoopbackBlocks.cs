using System.Security.Cryptography;
using HaMaster.Engine.Errors;
using HaMaster.Local.Processes;

namespace HaMaster.Local;

/// <summary>
/// Each local cluster owns a /24 of loopback addresses, 127.A.B.0: .1 is the cluster address,
/// .2 and up are replicas. Blocks start at 127.16, which leaves 127.1 to 127.15 to other local
/// tools and tests. A user's reservations (one file per block, naming the cluster's state file)
/// live in a private folder of that user, so that clusters of different state folders or test runs
/// never collide and no other user can fill, redirect or delete them (docs/design.md §5). Other
/// users' clusters are seen on the machine itself: a block where anything listens is never taken.
/// </summary>
public static class LoopbackBlocks
{
    public static string ReservationFolder =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify),
            "hamaster", "loopback-blocks");

    /// <summary>Reserves a free block for <paramref name="owner"/> (the cluster's state file) and returns its prefix, such as "127.34.201".</summary>
    public static string Reserve(string owner)
    {
        PrivateFolder.Ensure(ReservationFolder, "The folder of loopback address reservations");
        for (var attempt = 0; attempt < 500; attempt++)
        {
            var prefix = $"127.{RandomNumberGenerator.GetInt32(16, 255)}.{RandomNumberGenerator.GetInt32(0, 256)}";
            if (ListeningSockets.AnyInBlock(prefix)) continue;
            var file = Path.Combine(ReservationFolder, prefix);
            try
            {
                using var stream = new FileStream(file, FileMode.CreateNew, FileAccess.Write);
                stream.Write(System.Text.Encoding.UTF8.GetBytes(owner));
                return prefix;
            }
            catch (IOException) when (File.Exists(file))
            {
                if (IsStale(file))
                {
                    File.Delete(file);
                }
            }
        }
        throw new HaException(ErrorIds.AddressUnavailable,
            "No free block of loopback addresses was found for a new local cluster.",
            $"Stop other programs listening on 127.16.0.0 to 127.254.255.255, remove clusters you no longer need (Remove-HaCluster), or delete stale files in '{ReservationFolder}'.");
    }

    public static void Release(string prefix, string owner)
    {
        if (!IsUsable) return;
        var file = Path.Combine(ReservationFolder, prefix);
        if (File.Exists(file) && File.ReadAllText(file) == owner) File.Delete(file);
    }

    /// <summary>Releases every block reserved for <paramref name="owner"/>; returns their prefixes.</summary>
    public static IReadOnlyList<string> ReleaseAllOf(string owner)
    {
        if (!IsUsable) return [];
        var released = new List<string>();
        foreach (var file in Directory.EnumerateFiles(ReservationFolder))
        {
            if (ReadOwner(file) != owner) continue;
            var prefix = Path.GetFileName(file);
            Release(prefix, owner);
            released.Add(prefix);
        }
        return released;
    }

    private static bool IsUsable => Directory.Exists(ReservationFolder) && PrivateFolder.Problem(ReservationFolder) is null;

    /// <summary>
    /// A reservation whose cluster state folder is gone belongs to a cluster deleted by hand; while
    /// anything still listens on one of the block's addresses (its processes outlived the folder),
    /// the block is still in use.
    /// </summary>
    private static bool IsStale(string file) =>
        ReadOwner(file) is { Length: > 0 } owner && !Directory.Exists(Path.GetDirectoryName(owner))
        && !ListeningSockets.AnyInBlock(Path.GetFileName(file));

    private static string? ReadOwner(string file)
    {
        try
        {
            return File.ReadAllText(file);
        }
        catch (IOException) { return null; }
    }
}
