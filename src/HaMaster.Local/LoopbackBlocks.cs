using System.Security.Cryptography;
using HaMaster.Engine.Errors;
using HaMaster.Local.Processes;

namespace HaMaster.Local;

/// <summary>
/// Each local cluster owns a /24 of loopback addresses, 127.A.B.0: .1 is the cluster address,
/// .2 and up are replicas. Blocks are reserved machine-wide (one file per block in the temporary
/// folder), so clusters of different users, state folders or test runs never collide. Blocks start
/// at 127.16, which leaves 127.1 to 127.15 to other local tools and tests.
/// </summary>
public static class LoopbackBlocks
{
    public const string ReservationFolderName = "hamaster-loopback";

    public static string ReservationFolder => Path.Combine(Path.GetTempPath(), ReservationFolderName);

    /// <summary>Reserves a free block for <paramref name="owner"/> (the cluster's state file) and returns its prefix, such as "127.34.201".</summary>
    public static string Reserve(string owner)
    {
        Directory.CreateDirectory(ReservationFolder);
        for (var attempt = 0; attempt < 500; attempt++)
        {
            var prefix = $"127.{RandomNumberGenerator.GetInt32(16, 255)}.{RandomNumberGenerator.GetInt32(0, 256)}";
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
            $"Remove clusters you no longer need (Remove-HaCluster), or delete stale files in '{ReservationFolder}'.");
    }

    public static void Release(string prefix, string owner)
    {
        var file = Path.Combine(ReservationFolder, prefix);
        if (File.Exists(file) && File.ReadAllText(file) == owner) File.Delete(file);
        if (Directory.Exists(ReservationFolder) && !Directory.EnumerateFileSystemEntries(ReservationFolder).Any())
        {
            try { Directory.Delete(ReservationFolder); } catch (IOException) { }
        }
    }

    /// <summary>Releases every block reserved for <paramref name="owner"/>; returns their prefixes.</summary>
    public static IReadOnlyList<string> ReleaseAllOf(string owner)
    {
        if (!Directory.Exists(ReservationFolder)) return [];
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
