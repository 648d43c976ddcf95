using HaMaster.Engine.Errors;

namespace HaMaster.Engine.State;

/// <summary>
/// One membership change at a time per cluster, across processes: an exclusive lock on the
/// cluster's lock file (an advisory lock the kernel releases when the holder dies, so a killed
/// command never leaves the cluster locked). Only another holder makes a command wait: a cluster
/// removed meanwhile ends the wait at once, and any other file error is reported at once.
/// </summary>
public sealed class ClusterLock : IDisposable
{
    /// <summary>
    /// What .NET reports when another holder has the file: on Unix the errno of the failed flock
    /// (EWOULDBLOCK: 11 on Linux, 35 on macOS), on Windows a sharing violation.
    /// </summary>
    private static bool IsHeldByAnother(IOException e) => e.HResult is 11 or 35 or 32 or unchecked((int)0x80070020);

    private readonly FileStream _stream;
    private readonly string _path;

    private ClusterLock(FileStream stream, string path)
    {
        _stream = stream;
        _path = path;
    }

    /// <param name="mayCreate">The command creates the cluster: a missing cluster folder is made, not an error.</param>
    public static async Task<ClusterLock> AcquireAsync(string lockFile, string cluster, string purpose, TimeSpan timeout, Action<string>? onWait,
        CancellationToken cancellationToken, bool mayCreate = false)
    {
        var folder = Path.GetDirectoryName(lockFile)!;
        var deadline = DateTime.UtcNow + timeout;
        var told = false;
        while (true)
        {
            FileStream? stream = null;
            try
            {
                if (!Directory.Exists(folder))
                {
                    if (!mayCreate) throw ClusterStore.NotFound(cluster);
                    CreateFolder(folder, cluster, lockFile);
                }
                stream = new FileStream(lockFile, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                if (IsUnlinked(stream))
                {
                    // The holder we waited for removed the cluster and its lock file: look again.
                    stream.Dispose();
                    continue;
                }
                stream.SetLength(0);
                stream.Write(System.Text.Encoding.UTF8.GetBytes($"{Environment.ProcessId} {purpose}\n"));
                stream.Flush();
                return new ClusterLock(stream, lockFile);
            }
            catch (IOException e) when (IsHeldByAnother(e))
            {
                if (DateTime.UtcNow > deadline)
                    throw new HaException(ErrorIds.ClusterBusy,
                        $"Another HaMaster command is changing cluster '{cluster}' and did not finish within {timeout.TotalSeconds:0} s.",
                        "Wait for the other command to finish, then run this one again.", cluster);
                if (!told) onWait?.Invoke($"Waiting for another HaMaster command to finish changing cluster '{cluster}'.");
                told = true;
                await Task.Delay(100, cancellationToken).ConfigureAwait(false);
            }
            catch (DirectoryNotFoundException)
            {
                // Removed between the look and the open: the next look says which.
                await Task.Delay(10, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                stream?.Dispose();
                throw Unusable(cluster, lockFile, e);
            }
        }
    }

    private static void CreateFolder(string folder, string cluster, string lockFile)
    {
        try
        {
            Directory.CreateDirectory(folder);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Unusable(cluster, lockFile, e);
        }
    }

    private static HaException Unusable(string cluster, string lockFile, Exception e) => new(ErrorIds.StorageFailed,
        $"The lock file of cluster '{cluster}' ({lockFile}) cannot be used: {e.Message}",
        "Make the state folder writable by this account (it may be on a read-only file system, or a part of its path may be a file), then run the command again.", cluster, e);

    /// <summary>
    /// Releases the lock and deletes its file. On Unix the file is unlinked while still locked, so a
    /// command waiting on it finds it deleted once it gets the lock, and looks again instead of
    /// holding a lock nobody else can see.
    /// </summary>
    public void ReleaseAndDelete()
    {
        if (OperatingSystem.IsWindows())
        {
            _stream.Dispose();
            try { File.Delete(_path); } catch (IOException) { }
            return;
        }
        File.Delete(_path);
        _stream.Dispose();
    }

    public void Dispose() => _stream.Dispose();

    /// <summary>Whether the file locked is no longer the one at its path (Linux tells through /proc; elsewhere it is taken as still there).</summary>
    private static bool IsUnlinked(FileStream stream)
    {
        if (!OperatingSystem.IsLinux()) return false;
        var target = new FileInfo($"/proc/self/fd/{stream.SafeFileHandle.DangerousGetHandle()}").LinkTarget;
        return target is not null && target.EndsWith(" (deleted)", StringComparison.Ordinal);
    }
}
