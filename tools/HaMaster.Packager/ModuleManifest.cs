using System.Collections;
using System.Management.Automation.Language;

namespace HaMaster.Packager;

/// <summary>The fields of a module manifest (.psd1) that the gallery package is made from.</summary>
public sealed record ModuleManifest(
    string Path,
    string Name,
    Version Version,
    string RootModule,
    string Author,
    string CompanyName,
    string Copyright,
    string Description,
    string PowerShellVersion,
    IReadOnlyList<string> CompatiblePSEditions,
    IReadOnlyList<string> Cmdlets,
    IReadOnlyList<string> Functions,
    IReadOnlyList<string> Aliases,
    IReadOnlyList<string> Tags,
    string ProjectUri,
    string LicenseUri,
    string ReleaseNotes)
{
    /// <summary>Reads a manifest as data (nothing in it runs), as Import-PowerShellDataFile does.</summary>
    public static ModuleManifest Read(string path)
    {
        var ast = Parser.ParseFile(path, out _, out var errors);
        if (errors.Length > 0) throw new PackagingException($"{path}: {errors[0].Message} (line {errors[0].Extent.StartLineNumber})");
        if (ast.Find(a => a is HashtableAst, searchNestedScriptBlocks: false) is not HashtableAst table)
            throw new PackagingException($"{path} is not a module manifest (no hashtable).");
        var data = (Hashtable)table.SafeGetValue();
        var psData = Table(Table(data, "PrivateData"), "PSData");
        var problems = new List<string>();
        string Required(Hashtable? source, string key, string where)
        {
            var value = Text(source, key);
            if (string.IsNullOrWhiteSpace(value)) problems.Add($"{where}{key} is missing");
            return value ?? "";
        }
        var versionText = Required(data, "ModuleVersion", "");
        var manifest = new ModuleManifest(
            path,
            System.IO.Path.GetFileNameWithoutExtension(path),
            Version.TryParse(versionText, out var version) ? version : new Version(0, 0),
            Required(data, "RootModule", ""),
            Required(data, "Author", ""),
            Text(data, "CompanyName") ?? "",
            Text(data, "Copyright") ?? "",
            Required(data, "Description", ""),
            Required(data, "PowerShellVersion", ""),
            List(data, "CompatiblePSEditions"),
            List(data, "CmdletsToExport"),
            List(data, "FunctionsToExport"),
            List(data, "AliasesToExport"),
            List(psData, "Tags"),
            Required(psData, "ProjectUri", "PrivateData.PSData."),
            Required(psData, "LicenseUri", "PrivateData.PSData."),
            Required(psData, "ReleaseNotes", "PrivateData.PSData."));
        if (versionText.Length > 0 && manifest.Version == new Version(0, 0)) problems.Add($"ModuleVersion '{versionText}' is not a version");
        if (manifest.Tags.Count == 0) problems.Add("PrivateData.PSData.Tags is missing");
        if (manifest.CompatiblePSEditions.Count == 0) problems.Add("CompatiblePSEditions is missing");
        foreach (var key in new[] { "CmdletsToExport", "FunctionsToExport", "AliasesToExport" })
            if (List(data, key).Any(n => n.Contains('*')))
                problems.Add($"{key} has a wildcard (the gallery tags need the command names)");
        foreach (var uri in new[] { manifest.ProjectUri, manifest.LicenseUri })
            if (uri.Length > 0 && !Uri.TryCreate(uri, UriKind.Absolute, out _)) problems.Add($"'{uri}' is not an absolute URI");
        if (problems.Count > 0) throw new PackagingException($"{path}: {string.Join("; ", problems)}.");
        return manifest;
    }

    private static object? Value(Hashtable? table, string key)
    {
        if (table is null) return null;
        foreach (DictionaryEntry entry in table)
            if (string.Equals(entry.Key as string, key, StringComparison.OrdinalIgnoreCase)) return entry.Value;
        return null;
    }

    private static Hashtable? Table(Hashtable? table, string key) => Value(table, key) as Hashtable;

    private static string? Text(Hashtable? table, string key) => Value(table, key)?.ToString();

    private static IReadOnlyList<string> List(Hashtable? table, string key) => Value(table, key) switch
    {
        null => [],
        string single => [single],
        IEnumerable many => many.Cast<object?>().Select(o => o?.ToString()).OfType<string>().ToList(),
        var other => [other.ToString()!],
    };
}

public sealed class PackagingException(string message) : Exception(message);
