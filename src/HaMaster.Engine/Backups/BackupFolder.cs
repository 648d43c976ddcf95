using System.Text.Json;
using System.Text.Json.Serialization;
using HaMaster.Engine.Errors;

namespace HaMaster.Engine.Backups;

/// <summary>
/// A folder of backups: each is <c>NAME.db</c> (the snapshot) and <c>NAME.json</c> (its manifest). A
/// snapshot is written as <c>NAME.db.partial</c> and becomes a backup only when its manifest is
/// written, after the snapshot was renamed into place: a file without a manifest is never a backup.
/// </summary>
public sealed class BackupFolder(string path)
{
    private const string SnapshotExtension = ".db";
    private const string ManifestExtension = ".json";
    private const string PartialExtension = ".db.partial";

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter() },
        WriteIndented = true,
    };

    public string Path { get; } = System.IO.Path.GetFullPath(path);

    public string SnapshotPath(string name) => System.IO.Path.Combine(Path, name + SnapshotExtension);

    private string ManifestPath(string name) => System.IO.Path.Combine(Path, name + ManifestExtension);

    /// <summary>Creates the folder when needed and proves a file can be written there, before any snapshot is streamed.</summary>
    public void CheckWritable()
    {
        try
        {
            Directory.CreateDirectory(Path);
            var probe = System.IO.Path.Combine(Path, $".write-check-{Guid.NewGuid():N}");
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new HaException(ErrorIds.BackupPathNotWritable,
                $"Backups cannot be written to '{Path}': {e.Message}",
                "Choose a folder you can write to with -Path, or give your account write access to this one.", Path);
        }
    }

    /// <summary>A name no backup in this folder has yet: cluster, time taken and reason.</summary>
    public string NewName(string cluster, DateTimeOffset takenAt, BackupReason reason)
    {
        var stem = $"{cluster}-{takenAt.UtcDateTime:yyyyMMdd-HHmmss}-{Kebab(reason)}";
        var name = stem;
        for (var n = 2; File.Exists(SnapshotPath(name)) || File.Exists(ManifestPath(name)) || File.Exists(PartialPath(name)); n++) name = $"{stem}-{n}";
        return name;
    }

    public string PartialPath(string name) => System.IO.Path.Combine(Path, name + PartialExtension);

    /// <summary>Moves the verified snapshot into place, then writes the manifest that makes it a backup.</summary>
    public void Commit(BackupManifest manifest)
    {
        File.Move(PartialPath(manifest.Name), SnapshotPath(manifest.Name), overwrite: true);
        var temporary = ManifestPath(manifest.Name) + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(manifest, Json));
        File.Move(temporary, ManifestPath(manifest.Name), overwrite: true);
    }

    /// <summary>The manifests of this folder's backups of <paramref name="cluster"/> (of every cluster when null), oldest first.</summary>
    public IReadOnlyList<BackupManifest> List(string? cluster)
    {
        if (!Directory.Exists(Path)) return [];
        var manifests = new List<BackupManifest>();
        foreach (var file in Directory.EnumerateFiles(Path, "*" + ManifestExtension))
        {
            var manifest = TryRead(file);
            if (manifest is not null && (cluster is null || string.Equals(manifest.Cluster, cluster, StringComparison.OrdinalIgnoreCase)))
                manifests.Add(manifest);
        }
        return manifests.OrderBy(m => m.TakenAt).ThenBy(m => m.Name, StringComparer.Ordinal).ToList();
    }

    /// <summary>The manifest of the backup whose snapshot is <paramref name="snapshotPath"/>, or null when it has none.</summary>
    public static BackupManifest? ManifestBeside(string snapshotPath)
    {
        if (!snapshotPath.EndsWith(SnapshotExtension, StringComparison.Ordinal)) return null;
        var manifest = System.IO.Path.ChangeExtension(snapshotPath, ManifestExtension);
        return File.Exists(manifest) ? TryRead(manifest) : null;
    }

    /// <summary>Deletes a backup: the manifest first, so that what remains is never mistaken for one.</summary>
    public void Delete(string name)
    {
        File.Delete(ManifestPath(name));
        File.Delete(SnapshotPath(name));
    }

    /// <summary>Removes what a backup cut short (a killed process) left behind.</summary>
    public void RemoveLeftovers()
    {
        if (!Directory.Exists(Path)) return;
        foreach (var file in Directory.EnumerateFiles(Path, "*" + PartialExtension)) File.Delete(file);
    }

    /// <summary>Keeps the newest <paramref name="keep"/> automatic backups of the cluster; manual ones are never pruned. Returns what was deleted.</summary>
    public IReadOnlyList<BackupManifest> Prune(string cluster, int keep)
    {
        var expired = List(cluster).Where(m => m.Reason != BackupReason.Manual).Reverse().Skip(keep).ToList();
        foreach (var manifest in expired) Delete(manifest.Name);
        return expired;
    }

    private static BackupManifest? TryRead(string file)
    {
        try
        {
            var manifest = JsonSerializer.Deserialize<BackupManifest>(File.ReadAllText(file), Json);
            return manifest is not null && manifest.Name == System.IO.Path.GetFileNameWithoutExtension(file) ? manifest : null;
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static string Kebab(BackupReason reason) =>
        string.Concat(reason.ToString().Select((c, i) => char.IsUpper(c) && i > 0 ? "-" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));
}
