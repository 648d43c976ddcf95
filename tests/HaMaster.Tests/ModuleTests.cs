using System.Management.Automation;
using System.Reflection;
using HaMaster.Runner;

namespace HaMaster.Tests;

public sealed class ModuleTests : IDisposable
{
    private readonly PowerShellSession _ps = new();

    [Fact]
    public void The_manifest_is_valid_and_exports_exactly_the_commands()
    {
        var manifest = _ps.Get<PSModuleInfo>($"Test-ModuleManifest -Path '{ScriptRunner.ModuleManifest}'").Single();
        Assert.Equal(new Version(7, 4), manifest.PowerShellVersion);
        var module = _ps.Get<PSModuleInfo>("Get-Module HaMaster").Single();
        Assert.Equal(
            ["Add-MasterReplica", "Backup-HaCluster", "Export-HaKubeConfig", "Get-EtcdMember", "Get-HaCertificate", "Get-HaCluster", "Get-HaClusterBackup", "Get-MasterReplica", "New-HaCluster", "Optimize-HaCluster", "Remove-HaCluster", "Remove-HaClusterBackup", "Remove-MasterReplica", "Repair-MasterReplica", "Restore-HaCluster", "Start-MasterReplica", "Stop-MasterReplica", "Update-HaCertificate", "Update-HaCluster"],
            module.ExportedCmdlets.Keys.OrderBy(k => k, StringComparer.Ordinal));
        Assert.Equal(["Replace-MasterReplica"], module.ExportedAliases.Keys);
    }

    [Fact]
    public void Import_writes_no_warning_and_uses_approved_verbs_only()
    {
        var result = _ps.Run("Import-Module ([IO.Path]::ChangeExtension((Get-Module HaMaster).Path, 'psd1')) -Force -WarningVariable w; $w");
        Assert.Empty(result.Errors);
        Assert.Empty(result.Warnings);
        Assert.Empty(result.Output);
        var approved = new[] { typeof(VerbsCommon), typeof(VerbsData), typeof(VerbsLifecycle), typeof(VerbsDiagnostic), typeof(VerbsCommunications), typeof(VerbsSecurity), typeof(VerbsOther) }
            .SelectMany(t => t.GetFields()).Select(f => (string)f.GetValue(null)!).ToHashSet();
        foreach (var name in _ps.Get<string>("(Get-Command -Module HaMaster -CommandType Cmdlet).Name"))
            Assert.Contains(name.Split('-')[0], approved);
    }

    [Fact]
    public void Every_cmdlet_declares_its_output_and_every_mutation_supports_WhatIf()
    {
        var cmdlets = typeof(HaCmdlet).Assembly.GetTypes().Where(t => t.GetCustomAttribute<CmdletAttribute>() is not null).ToList();
        Assert.Equal(19, cmdlets.Count);
        foreach (var type in cmdlets)
        {
            Assert.NotEmpty(type.GetCustomAttributes<OutputTypeAttribute>());
            var attribute = type.GetCustomAttribute<CmdletAttribute>()!;
            if (attribute.VerbName != VerbsCommon.Get)
                Assert.True(attribute.SupportsShouldProcess, $"{attribute.VerbName}-{attribute.NounName} must support -WhatIf");
        }
    }

    [Fact]
    public void Replace_is_an_alias_of_Repair()
    {
        var alias = _ps.Get<AliasInfo>("Get-Command Replace-MasterReplica").Single();
        Assert.Equal("Repair-MasterReplica", alias.ReferencedCommand.Name);
    }

    public void Dispose() => _ps.Dispose();
}
