using HaMaster.TestSupport;

namespace HaMaster.Tests;

/// <summary>
/// The line operators schedule: <c>Get-MasterReplica | Where Unhealthy | Replace-MasterReplica</c>.
/// A replica is Unhealthy only for a fault of its own; the election that follows a crash of the
/// leader's replica is the cluster's condition, so the line replaces exactly the crashed replica.
/// </summary>
public sealed class UnhealthyPipelineTests : IDisposable
{
    private const int Rounds = 10;
    private readonly PowerShellSession _ps = new();

    [Fact]
    public void Right_after_the_leaders_replica_crashes_the_pipeline_replaces_exactly_that_replica()
    {
        _ps.Run("New-HaCluster -Name un | Add-MasterReplica -Count 2", throwOnError: true);
        for (var round = 1; round <= Rounds; round++)
        {
            var leader = _ps.Get<MasterReplica>("Get-MasterReplica un").Single(r => r.EtcdRole == "Leader");

            var result = _ps.Run($"""
                Stop-MasterReplica -Cluster un -Name {leader.Name} -Confirm:$false
                Get-MasterReplica un | Where Unhealthy | Replace-MasterReplica -Confirm:$false
                """);

            Assert.True(result.Errors.Count == 0, $"round {round}: " + string.Join("; ", result.Errors.Select(e => $"{e.FullyQualifiedErrorId}: {e.Exception.Message}")));
            var replacement = Assert.Single(result.Output.OfType<MasterReplica>());
            Assert.NotEqual(leader.Name, replacement.Name);
            List<MasterReplica> replicas = [];
            Eventually.Holds($"round {round}: every replica healthy after the repair",
                () => (replicas = _ps.Get<MasterReplica>("Get-MasterReplica un")).All(r => r.Healthy), TimeSpan.FromSeconds(30));
            Assert.Equal(3, replicas.Count);
            Assert.DoesNotContain(replicas, r => r.Name == leader.Name);
        }
    }

    [Fact]
    public void A_cluster_without_a_quorum_says_so_on_the_cluster_and_marks_only_the_stopped_replicas()
    {
        _ps.Run("New-HaCluster -Name nq | Add-MasterReplica -Count 2", throwOnError: true);
        var replicas = _ps.Get<MasterReplica>("Get-MasterReplica nq");
        foreach (var victim in replicas.Take(2))
            _ps.Run($"Stop-MasterReplica -Cluster nq -Name {victim.Name} -Force -Confirm:$false", throwOnError: true);

        var seen = _ps.Get<MasterReplica>("Get-MasterReplica nq");
        Assert.Equal(replicas.Take(2).Select(r => r.Name).Order(), seen.Where(r => r.Unhealthy).Select(r => r.Name).Order());
        HaCluster? cluster = null;
        Eventually.Holds("the survivor to see that etcd has no leader",
            () => (cluster = _ps.Get<HaCluster>("Get-HaCluster nq").Single()).Problems.Any(p => p.Contains("no leader", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(30));
        Assert.Equal("NoQuorum", cluster!.Status);
    }

    public void Dispose() => _ps.Dispose();
}
