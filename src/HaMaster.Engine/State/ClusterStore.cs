using System.Text.Json;
using HaMaster.Engine.Naming;
using System.Text.Json.Serialization;
using HaMaster.Engine.Errors;
using HaMaster.Engine.Model;

namespace HaMaster.Engine.State;

/// <summary>Reads and writes cluster state files; writes are atomic (temporary file, then rename).</summary>
public sealed class ClusterStore
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public ClusterStore(StateDirectory directory) => Directory = directory;

    public StateDirectory Directory { get; }

    public IReadOnlyList<string> ListClusterNames()
    {
        if (!System.IO.Directory.Exists(Directory.ClustersRoot)) return Array.Empty<string>();
        return System.IO.Directory.GetDirectories(Directory.ClustersRoot)
            .Where(d => File.Exists(Path.Combine(d, "cluster.json")))
            .Select(d => Path.GetFileName(d)!)
            .OrderBy(n => n, StringComparer.Ordinal)
            .ToList();
    }

    public bool Exists(string cluster) => File.Exists(Directory.StateFile(cluster));

    public ClusterState Load(string cluster)
    {
        var path = Directory.StateFile(cluster);
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw NotFound(cluster);
        }

        ClusterState? state;
        try
        {
            state = JsonSerializer.Deserialize<ClusterState>(text, Json);
        }
        catch (JsonException e)
        {
            throw Corrupt(cluster, path, e.Message, e);
        }
        if (state is null || state.Name != cluster || state.Replicas is null)
            throw Corrupt(cluster, path, "it does not describe this cluster", null);
        if (state.SchemaVersion > ClusterState.CurrentSchemaVersion)
            throw Corrupt(cluster, path, $"it was written by a newer HaMaster (schema {state.SchemaVersion})", null);
        // Names from the file become paths that are written and deleted: each must be one HaMaster gives.
        foreach (var name in state.Replicas.Select(r => r.Name).Append(state.Pending?.Replica).OfType<string>())
            if (!ResourceNames.BelongsTo(name, cluster))
                throw Corrupt(cluster, path, $"it names a replica '{name}', which is not a name HaMaster gives to a replica of '{cluster}'", null);
        return state;
    }

    public void Save(ClusterState state)
    {
        var path = Directory.StateFile(state.Name);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = path + ".tmp";
        try
        {
            File.WriteAllText(temporary, JsonSerializer.Serialize(state, Json));
            if (File.Exists(path)) File.Copy(path, Directory.PreviousStateFile(state.Name), overwrite: true);
            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    /// <summary>Deletes everything the cluster keeps on disk, the lock file last.</summary>
    public void Delete(string cluster)
    {
        var root = Directory.ClusterDirectory(cluster);
        if (!System.IO.Directory.Exists(root)) return;
        foreach (var entry in System.IO.Directory.EnumerateFileSystemEntries(root))
        {
            if (entry == Directory.LockFile(cluster)) continue;
            if (System.IO.Directory.Exists(entry)) System.IO.Directory.Delete(entry, recursive: true);
            else File.Delete(entry);
        }
    }

    public static HaException NotFound(string cluster) => new(
        ErrorIds.ClusterNotFound,
        $"There is no cluster named '{cluster}'.",
        "Run Get-HaCluster to list the known clusters, or New-HaCluster to create one.", cluster);

    private static HaException Corrupt(string cluster, string path, string reason, Exception? inner) => new(
        ErrorIds.StateCorrupt,
        $"The state of cluster '{cluster}' cannot be read: {reason}. Nothing was changed.",
        $"Copy '{path}{StateDirectory.PreviousSuffix}' over '{path}' to go back to the state before the last change, " +
        $"or run Remove-HaCluster -Name {cluster} -Force to stop and remove everything left of the cluster.",
        cluster, inner);
}
