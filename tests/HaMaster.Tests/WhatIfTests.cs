namespace HaMaster.Tests;

/// <summary>-WhatIf changes nothing, on every mutating cmdlet (state compared before and after).</summary>
public sealed class WhatIfTests : IDisposable
{
    private readonly PowerShellSession _ps = new();

    [Fact]
    public void WhatIf_changes_nothing()
    {
        _ps.Run("New-HaCluster -Name what | Add-MasterReplica", throwOnError: true);
        var before = Snapshot();
        foreach (var script in new[]
        {
            "New-HaCluster -Name other -WhatIf",
            "Add-MasterReplica -Cluster what -Count 2 -WhatIf",
            "Get-MasterReplica what | Remove-MasterReplica -WhatIf",
            "Get-MasterReplica what | Repair-MasterReplica -WhatIf",
            "Get-MasterReplica what | Stop-MasterReplica -WhatIf",
            "Get-MasterReplica what | Start-MasterReplica -WhatIf",
            "Remove-HaCluster what -WhatIf",
            "Remove-HaCluster what -WhatIf -Force",
        })
        {
            var result = _ps.Run(script);
            Assert.Empty(result.Errors);
            Assert.Empty(result.Output);
            Assert.Equal(before, Snapshot());
        }
        Assert.All(_ps.Get<MasterReplica>("Get-MasterReplica what"), r => Assert.True(r.Healthy));
        Assert.Contains("What if", _ps.HostOutput);
    }

    [Fact]
    public void WhatIf_reports_the_refusals_it_can_tell_without_asking_the_cluster()
    {
        _ps.Run("New-HaCluster -Name solo", throwOnError: true);
        var before = Snapshot();
        foreach (var (script, errorId) in new[]
        {
            ("New-HaCluster -Name solo -WhatIf", "ClusterExists"),
            ("Remove-MasterReplica -Cluster solo -Name solo-master -WhatIf", "LastReplica"),
            ("Repair-MasterReplica -Cluster solo -Name solo-master -WhatIf", "LastReplica"),
        })
        {
            Assert.StartsWith(errorId + ",", _ps.Run(script).SingleError().FullyQualifiedErrorId);
            Assert.Equal(before, Snapshot());
        }
        Assert.DoesNotContain("What if", _ps.HostOutput);
    }

    private string Snapshot() => string.Join("\n", Directory.GetFiles(_ps.Home, "*", SearchOption.AllDirectories)
        .Where(f => !f.EndsWith(".log", StringComparison.Ordinal) && !f.Contains("etcd-data") && !f.EndsWith(".lock", StringComparison.Ordinal) && !f.EndsWith(".ps1", StringComparison.Ordinal))
        .OrderBy(f => f, StringComparer.Ordinal)
        .Select(f => f + "=" + (f.EndsWith(".json", StringComparison.Ordinal) ? File.ReadAllText(f) : new FileInfo(f).Length.ToString())));

    public void Dispose() => _ps.Dispose();
}
