using System.Text.Json;

namespace HaMaster.Local;

/// <summary>Reads why a component stopped from the end of its log (etcd writes one JSON object a line).</summary>
public static class ComponentLog
{
    private const int TailBytes = 64 * 1024;
    private static readonly string[] FailureLevels = ["fatal", "panic", "error"];

    /// <summary>The last fatal, panic or error entry of a JSON-lines log, as "message: error", or null.</summary>
    public static string? LastFailure(string logFile)
    {
        if (!File.Exists(logFile)) return null;
        foreach (var line in Enumerable.Reverse(Tail(logFile).Split('\n', StringSplitOptions.RemoveEmptyEntries)))
        {
            try
            {
                using var entry = JsonDocument.Parse(line);
                var root = entry.RootElement;
                if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("level", out var level) || !FailureLevels.Contains(level.GetString())) continue;
                var message = root.TryGetProperty("msg", out var msg) ? msg.GetString() : null;
                var error = root.TryGetProperty("error", out var err) ? err.GetString() : null;
                return string.Join(": ", new[] { message, error }.Where(s => !string.IsNullOrEmpty(s)));
            }
            catch (JsonException)
            {
            }
        }
        return null;
    }

    private static string Tail(string logFile)
    {
        using var stream = new FileStream(logFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        stream.Seek(Math.Max(0, stream.Length - TailBytes), SeekOrigin.Begin);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
