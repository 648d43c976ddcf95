using System.IO.Compression;
using System.Reflection;
using System.Xml.Linq;
using HaMaster.Runner;

namespace HaMaster.Tests;

/// <summary>
/// The gallery package, made by the documented command (scripts/package.sh) into a temporary
/// folder once for the tests of <see cref="PackageTests"/>, and unpacked as Install-Module would.
/// </summary>
public sealed class GalleryPackageFixture : IDisposable
{
    public GalleryPackageFixture()
    {
        Root = Path.Combine(Path.GetTempPath(), "hmpkg-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(Root);
        Version = XDocument.Load(Path.Combine(PackageHostProcess.RepositoryRoot, "Directory.Build.props"))
            .Descendants("Version").Single().Value;
        var (exitCode, output) = PackageHostProcess.Run("bash",
            [Path.Combine(PackageHostProcess.RepositoryRoot, "scripts", "package.sh"), Path.Combine(Root, "out"), PackageHostProcess.Configuration],
            PackageHostProcess.RepositoryRoot, TimeSpan.FromMinutes(5));
        if (exitCode != 0) throw new InvalidOperationException($"scripts/package.sh failed ({exitCode}):\n{output}");
        Unpacked = Path.Combine(Root, "unpacked", "HaMaster", Version);
        ZipFile.ExtractToDirectory(Package, Unpacked);
    }

    public string Root { get; }
    public string Version { get; }
    public string GalleryFolder => Path.Combine(Root, "out", "gallery", "HaMaster", Version);
    public string Package => Path.Combine(Root, "out", "gallery", $"HaMaster.{Version}.nupkg");
    public string Unpacked { get; }
    public string UnpackedManifest => Path.Combine(Unpacked, "HaMaster.psd1");

    public void Dispose() => Directory.Delete(Root, recursive: true);
}

public sealed class PackageTests(GalleryPackageFixture package) : IClassFixture<GalleryPackageFixture>, IDisposable
{
    private readonly string _home = TestHome.Create();
    private static readonly TimeSpan ScriptTimeout = TimeSpan.FromMinutes(3);

    [Fact]
    public void The_package_has_the_gallery_layout_and_the_nuspec_Publish_Module_writes()
    {
        // Gallery layout: the module folder holds only the cmdlets, the loader and the module files.
        Assert.True(Directory.Exists(package.GalleryFolder), package.GalleryFolder);
        var rootFiles = Directory.GetFiles(package.GalleryFolder).Select(Path.GetFileName).ToHashSet();
        foreach (var file in new[] { "HaMaster.psd1", "HaMaster.format.ps1xml", "HaMaster.dll", "HaMaster.dll-Help.xml", "HaMaster.Loader.dll", "LICENSE" })
            Assert.Contains(file, rootFiles);
        Assert.Equal(["HaMaster.Loader.dll", "HaMaster.dll"], rootFiles.Where(f => f!.EndsWith(".dll")).Order(StringComparer.Ordinal));
        var dependencies = Path.Combine(package.GalleryFolder, "dependencies");
        foreach (var file in new[] { "HaMaster.Engine.dll", "HaMaster.Local.dll", "HaMaster.Endpoint.dll", "HaMaster.Endpoint.runtimeconfig.json", "Google.Protobuf.dll", "Grpc.Net.Client.dll", "BouncyCastle.Cryptography.dll", "dotnet-etcd.dll" })
            Assert.True(File.Exists(Path.Combine(dependencies, file)), $"dependencies/{file} is missing");

        // The package: the module files at its root, the nuspec and NuGet's packaging parts.
        using var zip = ZipFile.OpenRead(package.Package);
        var entries = zip.Entries.Select(e => e.FullName).ToList();
        var moduleFiles = Directory.GetFiles(package.GalleryFolder, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(package.GalleryFolder, f).Replace(Path.DirectorySeparatorChar, '/'));
        Assert.Subset(entries.ToHashSet(), moduleFiles.ToHashSet());
        Assert.Contains("HaMaster.nuspec", entries);
        Assert.Contains("[Content_Types].xml", entries);
        Assert.Contains("_rels/.rels", entries);
        Assert.Single(entries, e => e.StartsWith("package/services/metadata/core-properties/") && e.EndsWith(".psmdcp"));
        var relationships = XDocument.Load(zip.GetEntry("_rels/.rels")!.Open()).Root!.Elements().Select(r => r.Attribute("Target")!.Value.TrimStart('/'));
        Assert.All(relationships, target => Assert.Contains(target, entries));

        XNamespace ns = "http://schemas.microsoft.com/packaging/2011/08/nuspec.xsd";
        var metadata = XDocument.Load(zip.GetEntry("HaMaster.nuspec")!.Open()).Root!.Element(ns + "metadata")!;
        string Field(string name) => metadata.Element(ns + name)?.Value ?? "";
        Assert.Equal("HaMaster", Field("id"));
        Assert.Equal(package.Version, Field("version"));
        Assert.Equal("HaMaster contributors", Field("authors"));
        Assert.StartsWith("Creates and operates highly-available Kubernetes control planes", Field("description"));
        Assert.Equal("https://github.com/hamaster/hamaster", Field("projectUrl"));
        Assert.Equal("https://github.com/hamaster/hamaster/blob/main/LICENSE", Field("licenseUrl"));
        Assert.NotEmpty(Field("releaseNotes"));
        var tags = Field("tags").Split(' ');
        foreach (var tag in new[] { "Kubernetes", "etcd", "PSModule", "PSEdition_Core", "PSIncludes_Cmdlet", "PSCmdlet_New-HaCluster", "PSCommand_New-HaCluster", "PSCmdlet_Get-EtcdMember", "PSCommand_Replace-MasterReplica" })
            Assert.Contains(tag, tags);
        Assert.Equal(19, tags.Count(t => t.StartsWith("PSCmdlet_")));
    }

    [Fact]
    public void The_unpacked_package_passes_Test_ModuleManifest_and_imports_in_a_fresh_process()
    {
        var (exitCode, output) = PackageHostProcess.RunScript(_home, $$"""
            $ErrorActionPreference = 'Stop'
            $m = Test-ModuleManifest -Path '{{package.UnpackedManifest}}'
            "version: $($m.Version)"
            "editions: $($m.CompatiblePSEditions -join ',')"
            "powershell: $($m.PowerShellVersion)"
            "project: $($m.ProjectUri)"
            "license: $($m.LicenseUri)"
            "notes: $([bool]$m.ReleaseNotes)"
            "author: $($m.Author)"
            Import-Module '{{package.UnpackedManifest}}'
            [string[]] $names = (Get-Command -Module HaMaster).Name
            [Array]::Sort($names, [StringComparer]::Ordinal)
            "commands: $($names -join ',')"
            "module base: $((Get-Module HaMaster).ModuleBase)"
            $HaMasterHome = '{{_home}}'
            "clusters: $(@(Get-HaCluster).Count)"
            Import-Module '{{package.UnpackedManifest}}' -Force
            "clusters after a second import: $(@(Get-HaCluster).Count)"
            foreach ($a in [AppDomain]::CurrentDomain.GetAssemblies()) {
                if ($a.GetName().Name -eq 'HaMaster.Engine') { "engine: $([System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($a).Name) $($a.Location)" }
            }
            """, ScriptTimeout);
        Assert.True(exitCode == 0, output);
        Assert.Contains($"version: {package.Version}", output);
        Assert.Contains("editions: Core", output);
        Assert.Contains("powershell: 7.4", output);
        Assert.Contains("project: https://github.com/hamaster/hamaster", output);
        Assert.Contains("license: https://github.com/hamaster/hamaster/blob/main/LICENSE", output);
        Assert.Contains("notes: True", output);
        Assert.Contains("author: HaMaster contributors", output);
        Assert.Contains("commands: Add-MasterReplica,Backup-HaCluster,Export-HaKubeConfig,Get-EtcdMember,Get-HaCertificate,Get-HaCluster,Get-HaClusterBackup,Get-MasterReplica,New-HaCluster,Optimize-HaCluster,Remove-HaCluster,Remove-HaClusterBackup,Remove-MasterReplica,Repair-MasterReplica,Replace-MasterReplica,Restore-HaCluster,Start-MasterReplica,Stop-MasterReplica,Update-HaCertificate,Update-HaCluster", output);
        Assert.Contains($"module base: {package.Unpacked}", output);
        Assert.Contains("clusters: 0", output);
        Assert.Contains("clusters after a second import: 0", output);
        Assert.Contains($"engine: HaMaster {Path.Combine(package.Unpacked, "dependencies", "HaMaster.Engine.dll")}", output);
    }

    [Fact]
    public void With_an_older_Google_Protobuf_already_in_the_session_the_packaged_module_uses_its_own()
    {
        var ours = AssemblyName.GetAssemblyName(Path.Combine(package.Unpacked, "dependencies", "Google.Protobuf.dll")).Version!;
        var theirs = AssemblyName.GetAssemblyName(PackageHostProcess.ConflictingProtobuf).Version!;
        Assert.True(theirs < ours, $"The host's Google.Protobuf ({theirs}) must be older than the module's ({ours}) to conflict.");

        var (exitCode, output) = RunWithConflict(package.UnpackedManifest);

        Assert.True(exitCode == 0, output);
        Assert.Contains($"session protobuf: {theirs}", output);
        Assert.Contains("members: 1", output);
        Assert.Contains("clusters left: 0", output);
        Assert.Contains($"protobuf {theirs} in Default", output);
        Assert.Contains($"protobuf {ours} in HaMaster", output);
    }

    [Fact]
    public void Without_its_load_context_the_module_breaks_in_that_session()
    {
        // The control for the test above: the flat build output (everything beside HaMaster.dll, so
        // nothing in a load context of its own) in the same kind of session fails on the conflict.
        var ours = AssemblyName.GetAssemblyName(Path.Combine(package.Unpacked, "dependencies", "Google.Protobuf.dll")).Version!;

        var (exitCode, output) = RunWithConflict(ScriptRunner.ModuleManifest);

        Assert.NotEqual(0, exitCode);
        Assert.Contains($"Google.Protobuf, Version={ours}", output);
    }

    private (int ExitCode, string Output) RunWithConflict(string manifest) => PackageHostProcess.RunScript(_home, $$"""
        $ErrorActionPreference = 'Stop'
        $null = [System.Reflection.Assembly]::LoadFrom('{{PackageHostProcess.ConflictingProtobuf}}')
        "session protobuf: $([Google.Protobuf.ByteString].Assembly.GetName().Version)"
        Import-Module '{{manifest}}'
        $HaMasterHome = '{{_home}}'
        $null = New-HaCluster -Name iso
        "members: $(@(Get-EtcdMember -Cluster iso).Count)"
        Remove-HaCluster -Name iso -Confirm:$false
        "clusters left: $(@(Get-HaCluster).Count)"
        foreach ($a in [AppDomain]::CurrentDomain.GetAssemblies()) {
            if ($a.GetName().Name -eq 'Google.Protobuf') { "protobuf $($a.GetName().Version) in $([System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($a).Name)" }
        }
        """, ScriptTimeout);

    public void Dispose() => TestHome.Delete(_home);
}
