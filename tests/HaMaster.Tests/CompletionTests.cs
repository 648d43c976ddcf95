namespace HaMaster.Tests;

/// <summary>Tab completion of -Cluster, -Name and -Zone, through TabExpansion2 as the console calls it.</summary>
public sealed class CompletionTests : IDisposable
{
    private readonly PowerShellSession _ps = new();

    [Fact]
    public void Clusters_replicas_and_zones_complete()
    {
        _ps.Run("New-HaCluster -Name alpha | Add-MasterReplica; New-HaCluster -Name beta", throwOnError: true);
        var alphaReplicas = _ps.Get<MasterReplica>("Get-MasterReplica alpha").Select(r => r.Name).Order(StringComparer.Ordinal).ToArray();

        Assert.Equal(["alpha", "beta"], Complete("Add-MasterReplica -Cluster "));
        Assert.Equal(["alpha"], Complete("Get-HaCluster al"));
        Assert.Equal(["beta"], Complete("Remove-HaCluster -Name 'b"));
        Assert.Equal(["alpha", "beta"], Complete("Get-MasterReplica "));
        Assert.Equal(alphaReplicas, Complete("Remove-MasterReplica -Cluster alpha -Name "));
        Assert.Equal(["beta-master"], Complete("Stop-MasterReplica -Cluster beta -Name "));
        Assert.Equal([alphaReplicas[1]], Complete($"Repair-MasterReplica -Cluster alpha {alphaReplicas[1][..^1]}"));
        Assert.Equal(["local-a", "local-b", "local-c"], Complete("Add-MasterReplica -Cluster alpha -Zone "));
        Assert.Equal(["local-b"], Complete("New-HaCluster -Name gamma -Zone local-b"));
        Assert.Equal(["local-a", "local-b", "local-c"], Complete("Get-MasterReplica -Zone "));
        Assert.Empty(Complete("New-HaCluster -Name gamma -Provider Gce -Zone "));
        Assert.Empty(Complete("Add-MasterReplica -Cluster nope -Zone "));
    }

    private string[] Complete(string line)
    {
        _ps.Runspace.SessionStateProxy.SetVariable("line", line);
        return _ps.Get<string>("(TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches | ForEach-Object CompletionText").ToArray();
    }

    public void Dispose() => _ps.Dispose();
}
