using System.Text;

namespace HaMaster.Local.LoadBalancer;

/// <summary>The files HAProxy uses for one load balancer, all inside its directory.</summary>
internal sealed record HaproxyFiles(string Directory)
{
    // HAProxy binds a unix socket as "<path>.<pid>.tmp" and renames it into place; sun_path holds 108
    // bytes including the NUL. Its parser allows 97 (room for a 5-digit pid), but Linux pids have up to 7.
    internal const int MaxSocketPathBytes = 95;

    public string ConfigPath => Path.Combine(Directory, "haproxy.cfg");
    public string CandidateConfigPath => Path.Combine(Directory, "haproxy.cfg.new");
    public string PidPath => Path.Combine(Directory, "haproxy.pid");
    public string SocketPath => Path.Combine(Directory, "haproxy.sock");
    public string LogPath => Path.Combine(Directory, "haproxy.log");
    /// <summary>Each server's state as the worker before a reload saw it, for the next worker to start from.</summary>
    public string ServerStatePath => Path.Combine(Directory, "servers.state");

    public static HaproxyFiles For(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        if (!Path.IsPathFullyQualified(directory))
            throw new ArgumentException($"The load balancer directory must be an absolute path: '{directory}'.", nameof(directory));
        var files = new HaproxyFiles(Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory)));
        var socketBytes = Encoding.UTF8.GetByteCount(files.SocketPath);
        if (socketBytes > MaxSocketPathBytes)
            throw new ArgumentException(
                $"The load balancer directory '{files.Directory}' is too long: its stats socket path would be {socketBytes} bytes " +
                $"and unix socket paths are limited to {MaxSocketPathBytes} bytes here. Use a shorter directory.", nameof(directory));
        return files;
    }

    /// <summary>The master process id HAProxy wrote with -p, or 0 when there is none.</summary>
    public int ReadPid()
    {
        try
        {
            return int.TryParse(File.ReadAllText(PidPath).Trim(), out var pid) ? pid : 0;
        }
        catch (FileNotFoundException) { return 0; }
        catch (DirectoryNotFoundException) { return 0; }
    }

    public void DeleteRuntimeFiles()
    {
        if (!System.IO.Directory.Exists(Directory)) return;
        File.Delete(PidPath);
        File.Delete(SocketPath);
        File.Delete(ServerStatePath);
    }

    public long LogLength => File.Exists(LogPath) ? new FileInfo(LogPath).Length : 0;

    /// <summary>The log written since <paramref name="offset"/>, at most the last <paramref name="maxChars"/> characters.</summary>
    public string ReadLogSince(long offset, int maxChars = 4000)
    {
        if (!File.Exists(LogPath)) return "";
        using var stream = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        stream.Position = Math.Min(Math.Max(offset, stream.Length - maxChars * 4L), stream.Length);
        var text = new StreamReader(stream, Encoding.UTF8).ReadToEnd();
        return text.Length <= maxChars ? text : text[^maxChars..];
    }
}
