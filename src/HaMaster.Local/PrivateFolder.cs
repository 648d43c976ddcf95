using System.Runtime.InteropServices;
using HaMaster.Engine.Errors;
using HaMaster.Local.Processes;

namespace HaMaster.Local;

/// <summary>
/// A folder only the current user can change: created 0700, then proved to be a real directory
/// (not a symbolic link), owned by this user and writable by nobody else. Anything else there was
/// put by someone else, and HaMaster neither writes into it nor deletes it.
/// </summary>
public static class PrivateFolder
{
    private const int FileTypeMask = 0xF000;
    private const int DirectoryType = 0x4000;
    private const int SymbolicLinkType = 0xA000;
    private const int WritableByOthers = 0x12; // group and other write bits

    public static void Ensure(string path, string purpose)
    {
        if (OperatingSystem.IsWindows()) throw new PlatformNotSupportedException("The Local provider needs Linux.");
        try
        {
            Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        catch (IOException)
        {
            // Something that is not a folder is in the way (a dangling link, a file): Problem says what.
        }
        if (Problem(path) is { } problem)
            throw new HaException(ErrorIds.StorageFailed, $"{purpose} '{path}' is not a private folder of yours: {problem}.",
                $"Remove '{path}' (HaMaster creates it again, mode 0700), then run the command again.", path);
    }

    /// <summary>Why <paramref name="path"/> is not a private folder of the current user, or null when it is.</summary>
    public static string? Problem(string path)
    {
        var (type, mode, owner) = Stat(path);
        if (type == SymbolicLinkType) return "it is a symbolic link";
        if (type != DirectoryType) return "it is not a folder";
        var me = NativeMethods.geteuid();
        if (owner != me) return $"it belongs to user id {owner}, not to you (user id {me})";
        if ((mode & WritableByOthers) != 0) return $"other users may write into it (mode {Convert.ToString(mode & 0xFFF, 8)})";
        return null;
    }

    private static (int Type, int Mode, uint Owner) Stat(string path)
    {
        Span<byte> buffer = stackalloc byte[256];
        if (NativeMethods.statx(NativeMethods.AT_FDCWD, path, NativeMethods.AT_SYMLINK_NOFOLLOW, NativeMethods.STATX_TYPE_MODE_UID, buffer) != 0)
            throw new IOException($"Could not read '{path}': error {Marshal.GetLastPInvokeError()}.");
        var owner = MemoryMarshal.Read<uint>(buffer[20..]);
        var mode = MemoryMarshal.Read<ushort>(buffer[28..]);
        return (mode & FileTypeMask, mode, owner);
    }
}
