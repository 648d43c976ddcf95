using System.Text.Json;

namespace HaMaster.Tests;

/// <summary>Reads a cluster's state file as another process sees it, to follow a flow's journal from outside.</summary>
public static class ClusterStateFile
{
    public static string PathOf(string home, string cluster) => Path.Combine(home, "clusters", cluster, "cluster.json");

    public static string Text(string home, string cluster) => File.ReadAllText(PathOf(home, cluster));

    public static JsonElement Read(string home, string cluster) => JsonDocument.Parse(Text(home, cluster)).RootElement;

    /// <summary>The journaled step of the operation in progress, or null when none (or the file is being replaced).</summary>
    public static string? PendingStep(string home, string cluster)
    {
        try
        {
            return Read(home, cluster).TryGetProperty("pending", out var pending) && pending.ValueKind == JsonValueKind.Object
                ? pending.GetProperty("step").GetString()
                : null;
        }
        catch (Exception e) when (e is IOException or JsonException)
        {
            return null;
        }
    }
}
