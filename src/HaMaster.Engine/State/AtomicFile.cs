namespace HaMaster.Engine.State;

/// <summary>Replaces a file's content all at once, with the file's final permissions from its first byte.</summary>
public static class AtomicFile
{
    // The content goes to a new temporary file in the same directory, created with its final mode,
    // and is then renamed over the target: the rename is atomic and the target never exists with
    // wider permissions or partial content. A failure leaves the target as it was and no temporary file.
    public static void Write(string path, byte[] content, UnixFileMode mode)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(content);

        string fullPath = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(fullPath)
            ?? throw new ArgumentException($"'{path}' has no parent directory.", nameof(path));
        Directory.CreateDirectory(directory);

        string temporaryPath = Path.Combine(directory, $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (FileStream stream = new(temporaryPath, CreateNewOptions(mode)))
            {
                stream.Write(content);
                stream.Flush(flushToDisk: true);
            }

            if (!OperatingSystem.IsWindows())
            {
                // The process umask may have narrowed the creation mode; make it exact.
                File.SetUnixFileMode(temporaryPath, mode);
            }

            File.Move(temporaryPath, fullPath, overwrite: true);
        }
        catch
        {
            File.Delete(temporaryPath);
            throw;
        }
    }

    private static FileStreamOptions CreateNewOptions(UnixFileMode mode)
    {
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            Share = FileShare.None,
        };

        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = mode;
        }

        return options;
    }
}
