namespace HaMaster.Tests;

/// <summary>docs/design.md §3 on a real 3-replica cluster with one replica down.</summary>
public sealed class SafetyTests : IDisposable
{
    private readonly PowerShellSession _ps = new();

    [Fact]
    public void With_a_replica_down_only_repairing_it_is_allowed()
    {
        _ps.Run("New-HaCluster -Name safe | Add-MasterReplica -Count 2", throwOnError: true);
        var replicas = _ps.Get<MasterReplica>("Get-MasterReplica safe");
        var down = replicas.First(r => r.EtcdRole == "Follower");
        var healthy = replicas.First(r => r.Name != down.Name);
        _ps.Run($"Stop-MasterReplica -Cluster safe -Name {down.Name}", throwOnError: true);
        var before = ClusterStateFile.Text(_ps.Home, "safe");

        var remove = _ps.Run($"Remove-MasterReplica -Cluster safe -Name {healthy.Name}").SingleError();
        Assert.Equal("QuorumWouldBeLost,HaMaster.Commands.RemoveMasterReplicaCommand", remove.FullyQualifiedErrorId);
        Assert.Contains($"Repair-MasterReplica -Cluster safe -Name {down.Name}", remove.ErrorDetails.RecommendedAction);

        var forced = _ps.Run($"Remove-MasterReplica -Cluster safe -Name {healthy.Name} -Force").SingleError();
        Assert.StartsWith("QuorumWouldBeLost,", forced.FullyQualifiedErrorId);

        var add = _ps.Run("Add-MasterReplica -Cluster safe").SingleError();
        Assert.StartsWith("ClusterUnhealthy,", add.FullyQualifiedErrorId);
        Assert.Contains("Repair-MasterReplica", add.ErrorDetails.RecommendedAction);
        Assert.Equal(System.Management.Automation.ErrorCategory.InvalidOperation, add.CategoryInfo.Category);
        Assert.Equal(before, ClusterStateFile.Text(_ps.Home, "safe"));
        Assert.Equal(3, _ps.Get<EtcdMember>("Get-EtcdMember safe").Count);

        // Stopping a second replica would lose quorum: refused unless forced.
        Assert.StartsWith("QuorumWouldBeLost,", _ps.Run($"Stop-MasterReplica -Cluster safe -Name {healthy.Name}").SingleError().FullyQualifiedErrorId);

        var repaired = _ps.Get<MasterReplica>("Get-MasterReplica | Where Unhealthy | Replace-MasterReplica");
        Assert.Single(repaired);
        Assert.True(repaired[0].Healthy, string.Join("; ", repaired[0].Problems));
        Assert.Equal(down.Zone, repaired[0].Zone);
        Assert.NotEqual(down.Name, repaired[0].Name);
        var after = _ps.Get<MasterReplica>("Get-MasterReplica safe");
        Assert.Equal(3, after.Count);
        Assert.All(after, r => Assert.True(r.Healthy));
        Assert.DoesNotContain(after, r => r.Name == down.Name);
    }

    [Fact]
    public void The_last_replica_cannot_be_removed_even_with_force()
    {
        _ps.Run("New-HaCluster -Name last", throwOnError: true);
        var error = _ps.Run("Get-MasterReplica last | Remove-MasterReplica -Force").SingleError();
        Assert.StartsWith("LastReplica,", error.FullyQualifiedErrorId);
        Assert.Contains("Remove-HaCluster", error.ErrorDetails.RecommendedAction);
        Assert.Equal("Healthy", _ps.Get<HaCluster>("Get-HaCluster last").Single().Status);
    }

    public void Dispose() => _ps.Dispose();
}
