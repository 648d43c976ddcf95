using System.IO.Compression;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;

namespace HaMaster.Packager;

/// <summary>
/// The PowerShell Gallery layout of a module (<c>Name/Version/</c>, as Install-Module leaves it)
/// and the package Publish-Module uploads: a NuGet package with the module files at its root, a
/// .nuspec made from the manifest (tags PSModule, PSEdition_*, PSCmdlet_*, PSCommand_*, ...), and
/// the Open Packaging parts NuGet writes ([Content_Types].xml, _rels/.rels, the core properties).
/// </summary>
public static class GalleryPackage
{
    private const string NuspecNamespace = "http://schemas.microsoft.com/packaging/2011/08/nuspec.xsd";

    public sealed record Result(ModuleManifest Manifest, string ModuleFolder, string PackagePath);

    /// <param name="moduleFolder">The module as published: the manifest, the root module and what goes with them.</param>
    /// <param name="outputFolder">Receives <c>Name/Version/</c> and <c>Name.Version.nupkg</c>.</param>
    public static Result Create(string moduleFolder, string outputFolder)
    {
        moduleFolder = Path.GetFullPath(moduleFolder);
        var manifests = Directory.GetFiles(moduleFolder, "*.psd1");
        if (manifests.Length != 1) throw new PackagingException($"Expected one module manifest in {moduleFolder}, found {manifests.Length}.");
        var manifest = ModuleManifest.Read(manifests[0]);
        CheckRootModuleVersion(moduleFolder, manifest);

        var version = manifest.Version.ToString();
        var target = Path.Combine(Path.GetFullPath(outputFolder), manifest.Name, version);
        if (Directory.Exists(target)) Directory.Delete(target, recursive: true);
        var files = Directory.GetFiles(moduleFolder, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(moduleFolder, f).Replace(Path.DirectorySeparatorChar, '/'))
            .Order(StringComparer.Ordinal)
            .ToList();
        foreach (var file in files)
        {
            var destination = Path.Combine(target, file);
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(Path.Combine(moduleFolder, file), destination);
        }

        var package = Path.Combine(Path.GetFullPath(outputFolder), $"{manifest.Name}.{version}.nupkg");
        WritePackage(package, target, files, manifest);
        return new Result(manifest, target, package);
    }

    /// <summary>The tags Publish-Module adds to the manifest's own.</summary>
    public static IReadOnlyList<string> Tags(ModuleManifest manifest)
    {
        var tags = new List<string>(manifest.Tags) { "PSModule" };
        tags.AddRange(manifest.CompatiblePSEditions.Select(e => $"PSEdition_{e}"));
        if (manifest.Cmdlets.Count > 0) tags.Add("PSIncludes_Cmdlet");
        if (manifest.Functions.Count > 0) tags.Add("PSIncludes_Function");
        tags.AddRange(manifest.Cmdlets.Select(c => $"PSCmdlet_{c}"));
        tags.AddRange(manifest.Functions.Select(f => $"PSFunction_{f}"));
        tags.AddRange(manifest.Cmdlets.Concat(manifest.Functions).Concat(manifest.Aliases).Select(c => $"PSCommand_{c}"));
        return tags.Where(t => !t.Contains(' ')).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
    }

    public static XDocument Nuspec(ModuleManifest manifest)
    {
        XNamespace ns = NuspecNamespace;
        return new XDocument(new XDeclaration("1.0", "utf-8", null),
            new XElement(ns + "package",
                new XElement(ns + "metadata",
                    new XElement(ns + "id", manifest.Name),
                    new XElement(ns + "version", manifest.Version.ToString()),
                    new XElement(ns + "authors", manifest.Author),
                    new XElement(ns + "owners", manifest.CompanyName.Length > 0 ? manifest.CompanyName : manifest.Author),
                    new XElement(ns + "requireLicenseAcceptance", "false"),
                    new XElement(ns + "licenseUrl", manifest.LicenseUri),
                    new XElement(ns + "projectUrl", manifest.ProjectUri),
                    new XElement(ns + "description", manifest.Description),
                    new XElement(ns + "releaseNotes", manifest.ReleaseNotes),
                    new XElement(ns + "copyright", manifest.Copyright),
                    new XElement(ns + "tags", string.Join(' ', Tags(manifest))))));
    }

    private static void CheckRootModuleVersion(string moduleFolder, ModuleManifest manifest)
    {
        var root = Path.Combine(moduleFolder, manifest.RootModule);
        if (!File.Exists(root)) throw new PackagingException($"The root module {manifest.RootModule} is not in {moduleFolder}.");
        if (!root.EndsWith(".dll", StringComparison.OrdinalIgnoreCase)) return;
        var built = AssemblyName.GetAssemblyName(root).Version ?? new Version(0, 0);
        var declared = manifest.Version;
        if (built.Major != declared.Major || built.Minor != declared.Minor || Math.Max(built.Build, 0) != Math.Max(declared.Build, 0))
            throw new PackagingException(
                $"{manifest.RootModule} was built as version {built} but the manifest says ModuleVersion {declared}: set <Version> in Directory.Build.props and ModuleVersion in {Path.GetFileName(manifest.Path)} to the same version.");
    }

    private static void WritePackage(string packagePath, string moduleFolder, IReadOnlyList<string> files, ModuleManifest manifest)
    {
        if (File.Exists(packagePath)) File.Delete(packagePath);
        var nuspecName = $"{manifest.Name}.nuspec";
        var corePropertiesName = $"package/services/metadata/core-properties/{DeterministicId(manifest)}.psmdcp";
        using var zip = ZipFile.Open(packagePath, ZipArchiveMode.Create);

        // In the order NuGet writes them.
        XNamespace rels = "http://schemas.openxmlformats.org/package/2006/relationships";
        WriteXml(zip, "_rels/.rels", new XDocument(new XDeclaration("1.0", "utf-8", null),
            new XElement(rels + "Relationships",
                Relationship(rels, "http://schemas.microsoft.com/packaging/2010/07/manifest", "/" + nuspecName),
                Relationship(rels, "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties", "/" + corePropertiesName))));

        WriteXml(zip, nuspecName, Nuspec(manifest));

        foreach (var file in files)
        {
            var entry = zip.CreateEntry(EscapePartName(file), CompressionLevel.Optimal);
            entry.LastWriteTime = File.GetLastWriteTime(Path.Combine(moduleFolder, file));
            using var source = File.OpenRead(Path.Combine(moduleFolder, file));
            using var target = entry.Open();
            source.CopyTo(target);
        }

        XNamespace types = "http://schemas.openxmlformats.org/package/2006/content-types";
        var partNames = files.Append(nuspecName).ToList();
        var extensions = partNames.Select(p => Path.GetExtension(p).TrimStart('.')).Where(e => e.Length > 0)
            .Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.Ordinal);
        WriteXml(zip, "[Content_Types].xml", new XDocument(new XDeclaration("1.0", "utf-8", null),
            new XElement(types + "Types",
                new XElement(types + "Default", new XAttribute("Extension", "rels"), new XAttribute("ContentType", "application/vnd.openxmlformats-package.relationships+xml")),
                new XElement(types + "Default", new XAttribute("Extension", "psmdcp"), new XAttribute("ContentType", "application/vnd.openxmlformats-package.core-properties+xml")),
                extensions.Select(e => new XElement(types + "Default", new XAttribute("Extension", e), new XAttribute("ContentType", "application/octet"))),
                partNames.Where(p => Path.GetExtension(p).Length == 0)
                    .Select(p => new XElement(types + "Override", new XAttribute("PartName", "/" + EscapePartName(p)), new XAttribute("ContentType", "application/octet"))))));

        XNamespace cp = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties";
        XNamespace dc = "http://purl.org/dc/elements/1.1/";
        XNamespace dcterms = "http://purl.org/dc/terms/";
        XNamespace xsi = "http://www.w3.org/2001/XMLSchema-instance";
        WriteXml(zip, corePropertiesName, new XDocument(new XDeclaration("1.0", "utf-8", null),
            new XElement(cp + "coreProperties",
                new XAttribute(XNamespace.Xmlns + "dc", dc),
                new XAttribute(XNamespace.Xmlns + "dcterms", dcterms),
                new XAttribute(XNamespace.Xmlns + "xsi", xsi),
                new XElement(dc + "creator", manifest.Author),
                new XElement(dc + "description", manifest.Description),
                new XElement(dc + "identifier", manifest.Name),
                new XElement(cp + "version", manifest.Version.ToString()),
                new XElement(cp + "keywords", string.Join(' ', Tags(manifest))),
                new XElement(cp + "lastModifiedBy", "HaMaster.Packager"))));
    }

    private static XElement Relationship(XNamespace ns, string type, string target) =>
        new(ns + "Relationship",
            new XAttribute("Type", type),
            new XAttribute("Target", target),
            new XAttribute("Id", "R" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(type + target)))[..16]));

    private static void WriteXml(ZipArchive zip, string name, XDocument document)
    {
        var entry = zip.CreateEntry(name, CompressionLevel.Optimal);
        using var stream = entry.Open();
        using var writer = new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        document.Save(writer, SaveOptions.None);
    }

    /// <summary>Package part names are URIs: each path segment escaped.</summary>
    private static string EscapePartName(string relativePath) =>
        string.Join('/', relativePath.Split('/').Select(Uri.EscapeDataString));

    private static string DeterministicId(ModuleManifest manifest) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes($"{manifest.Name}/{manifest.Version}")))[..32].ToLowerInvariant();
}
