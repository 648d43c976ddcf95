using System.Text;
using HaMaster.Engine.Errors;
using HaMaster.Engine.State;

namespace HaMaster.Engine.Credentials;

/// <summary>
/// A kubeconfig file on disk: found where kubectl looks, changed under kubectl's own lock file, written
/// owner-only and all at once. A file that is not a kubeconfig is refused and left as it was.
/// </summary>
public static class KubeConfigFile
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private static readonly TimeSpan DefaultLockPatience = TimeSpan.FromSeconds(10);

    /// <summary>The file kubectl reads first: the first of $KUBECONFIG's files, else ~/.kube/config.</summary>
    public static string DefaultPath()
    {
        var listed = Environment.GetEnvironmentVariable("KUBECONFIG")?
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .FirstOrDefault();
        return listed ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".kube", "config");
    }

    /// <summary>Puts <paramref name="entry"/> into the kubeconfig at <paramref name="path"/>, made when missing; returns the file written.</summary>
    /// <param name="lockPatience">How long to wait for another writer's lock (default 10 s).</param>
    public static string Merge(string path, KubeConfigEntry entry, TimeSpan? lockPatience = null)
    {
        var target = FinalTarget(Path.GetFullPath(path));
        using var held = Lock(target, lockPatience ?? DefaultLockPatience);
        var document = Read(target);
        document.Set(entry);
        try
        {
            AtomicFile.Write(target, Encoding.UTF8.GetBytes(document.ToString()), OwnerOnly);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw NotWritable(target, e);
        }
        return target;
    }

    /// <summary>A symbolic link is followed, so that the file it names is changed rather than the link replaced.</summary>
    private static string FinalTarget(string path)
    {
        try
        {
            return new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? path;
        }
        catch (IOException)
        {
            return path;
        }
    }

    private static KubeConfigDocument Read(string path)
    {
        string text;
        try
        {
            if (Directory.Exists(path)) throw new IOException("it is a folder");
            if (!File.Exists(path)) return KubeConfigDocument.Empty();
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw NotWritable(path, e);
        }
        try
        {
            return KubeConfigDocument.Parse(text);
        }
        catch (FormatException e)
        {
            throw new HaException(ErrorIds.KubeConfigInvalid,
                $"The kubeconfig '{path}' was left untouched: {e.Message}.",
                "Repair the file (kubectl config view shows what kubectl makes of it), or write to a file of its own with -Path.", path, e);
        }
    }

    /// <summary>kubectl's convention: "&lt;file&gt;.lock", created exclusively and deleted afterwards.</summary>
    private static FileStream Lock(string path, TimeSpan patience)
    {
        var lockPath = path + ".lock";
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            try
            {
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                return new FileStream(lockPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose);
            }
            catch (IOException e) when (File.Exists(lockPath))
            {
                if (waited.Elapsed > patience)
                    throw new HaException(ErrorIds.KubeConfigNotWritable,
                        $"The kubeconfig '{path}' is locked by '{lockPath}' and stayed locked for {patience.TotalSeconds:0.#} s.",
                        $"If no kubectl or HaMaster command is writing it, delete '{lockPath}' (left by one that was killed) and run the command again.", path, e);
                Thread.Sleep(50);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw NotWritable(path, e);
            }
        }
    }

    private static HaException NotWritable(string path, Exception cause) => new(ErrorIds.KubeConfigNotWritable,
        $"The kubeconfig '{path}' cannot be read or written: {cause.Message}",
        "Choose a file in a folder you can write to with -Path, or fix the permissions.", path, cause);
}
