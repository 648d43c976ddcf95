namespace HaMaster.Bench;

/// <summary>A small tmpfs mounted on a folder (needs root: the benchmark runs as root, as the tests do); disposing unmounts it.</summary>
public sealed class TmpfsMount : IDisposable
{
    private TmpfsMount(string folder) => Folder = folder;

    public string Folder { get; }
    public bool Mounted { get; private set; } = true;

    /// <summary>Mounts a tmpfs of <paramref name="sizeBytes"/> on <paramref name="folder"/>, readable by its owner only (etcd wants 0700).</summary>
    public static TmpfsMount Mount(string folder, long sizeBytes)
    {
        ExternalCommand.Run("mount", "-t", "tmpfs", "-o", $"size={sizeBytes},mode=0700", "tmpfs", folder);
        return new TmpfsMount(folder);
    }

    /// <summary>Unmounts it; lazily when a process still has files open on it (a failed run), so the folder can go.</summary>
    public void Dispose()
    {
        if (!Mounted) return;
        try
        {
            ExternalCommand.Run("umount", Folder);
        }
        catch (BenchException)
        {
            ExternalCommand.Run("umount", "--lazy", Folder);
        }
        Mounted = false;
    }
}
