namespace HaMaster.Tests;

/// <summary>
/// docs/design.md §2: every change supports -Confirm; Remove-HaCluster (ConfirmImpact High) and repairing a
/// healthy replica ask first; -Force skips those questions but never -WhatIf, and an explicit
/// -Confirm still asks. The host answers every question "No".
/// </summary>
public sealed class ForceConfirmTests : IDisposable
{
    private AnsweringHost? _host;
    private readonly PowerShellSession _ps;

    public ForceConfirmTests() => _ps = new PowerShellSession(inner => _host = new AnsweringHost(inner));

    [Fact]
    public void Questions_are_asked_where_the_design_says_and_Force_skips_them_but_never_WhatIf()
    {
        _ps.Run("New-HaCluster -Name fc | Add-MasterReplica", throwOnError: true);
        var second = _ps.Get<MasterReplica>("Get-MasterReplica fc")[1].Name;
        var before = ClusterStateFile.Text(_ps.Home, "fc");

        Asks("Remove-HaCluster fc");                                           // ConfirmImpact High asks by default
        Asks("Remove-HaCluster fc -Force -Confirm");                           // an explicit -Confirm wins over -Force
        Asks($"Repair-MasterReplica -Cluster fc -Name {second}");               // a healthy replica: are you sure?
        Asks($"Remove-MasterReplica -Cluster fc -Name {second} -Confirm");
        Asks("Add-MasterReplica -Cluster fc -Confirm");
        DoesNotAsk("Remove-HaCluster fc -Force -WhatIf");
        DoesNotAsk($"Repair-MasterReplica -Cluster fc -Name {second} -Force -WhatIf");
        Assert.Equal(before, ClusterStateFile.Text(_ps.Home, "fc"));
        Assert.Equal(2, _ps.Get<MasterReplica>("Get-MasterReplica fc").Count);

        DoesNotAsk($"Remove-MasterReplica -Cluster fc -Name {second}");         // ConfirmImpact Medium: no question by default
        Assert.Single(_ps.Get<MasterReplica>("Get-MasterReplica fc"));
        DoesNotAsk("Remove-HaCluster fc -Force");
        Assert.Empty(_ps.Get<HaCluster>("Get-HaCluster"));
    }

    private void Asks(string script)
    {
        _host!.ForgetPrompts();
        var result = _ps.Run(script);
        Assert.Empty(result.Errors);
        Assert.Single(_host.Prompts);
    }

    private void DoesNotAsk(string script)
    {
        _host!.ForgetPrompts();
        var result = _ps.Run(script);
        Assert.Empty(result.Errors);
        Assert.Empty(_host.Prompts);
    }

    public void Dispose() => _ps.Dispose();
}
