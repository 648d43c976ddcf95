using HaMaster.Local;
using HaMaster.Local.Processes;
using HaMaster.TestSupport;

namespace HaMaster.Tests;

/// <summary>
/// A way out of a damaged or deleted state (issue 14, point 4): the state before the last change is
/// kept and can be put back; Remove-HaCluster -Force removes what is left of a cluster whose state
/// cannot be read or was deleted by hand (its processes, its address block, its folder); the listing
/// of clusters goes on past a damaged one and says what to run.
/// </summary>
public sealed class DamagedStateTests : IDisposable
{
    private readonly PowerShellSession _ps = new();

    [Fact]
    public void A_damaged_state_can_be_put_back_or_removed_and_a_deleted_one_removed_with_force()
    {
        _ps.Run("New-HaCluster -Name dmg | Add-MasterReplica", throwOnError: true);
        _ps.Run("New-HaCluster -Name gone", throwOnError: true);
        var state = ClusterStateFile.PathOf(_ps.Home, "dmg");
        Assert.NotEmpty(Processes("dmg"));
        File.WriteAllText(state, File.ReadAllText(state)[..40]);

        var listing = _ps.Run("Get-HaCluster");
        Assert.Equal(["gone"], listing.Output.OfType<HaCluster>().Select(c => c.Name));
        var damaged = listing.SingleError();
        Assert.StartsWith("StateCorrupt,", damaged.FullyQualifiedErrorId);
        Assert.Contains("cluster.json.previous", damaged.ErrorDetails!.RecommendedAction);
        Assert.Contains("Remove-HaCluster -Name dmg -Force", damaged.ErrorDetails.RecommendedAction);

        File.Copy(state + ".previous", state, overwrite: true);
        Assert.Equal(2, Assert.Single(_ps.Get<HaCluster>("Get-HaCluster dmg")).ReplicaCount);

        File.WriteAllText(state, "{");
        var block = Blocks("dmg");
        Assert.Single(block);
        var removal = _ps.Run("Remove-HaCluster -Name dmg -Force", throwOnError: true);
        Assert.Contains(removal.Warnings, w => w.Contains("could not be read") && w.Contains($"the address block {block[0]}.0/24"));
        Assert.Empty(Processes("dmg"));
        Assert.Empty(Blocks("dmg"));
        Assert.False(Directory.Exists(Path.GetDirectoryName(state)));

        Assert.NotEmpty(Processes("gone"));
        Directory.Delete(Path.Combine(_ps.Home, "clusters", "gone"), recursive: true);
        Assert.Single(Blocks("gone"));
        var again = _ps.Run("New-HaCluster -Name gone").SingleError();
        Assert.StartsWith("ClusterExists,", again.FullyQualifiedErrorId);
        Assert.Contains("still run from its folder", again.Exception.Message);
        Assert.StartsWith("Remove what is left of it with Remove-HaCluster -Name gone -Force", again.ErrorDetails!.RecommendedAction);
        Assert.False(Directory.Exists(Path.Combine(_ps.Home, "clusters", "gone")));
        _ps.Run("Remove-HaCluster -Name gone -Force", throwOnError: true);
        Assert.Empty(Processes("gone"));
        Assert.Empty(Blocks("gone"));
        Assert.StartsWith("ClusterNotFound,", _ps.Run("Remove-HaCluster -Name gone -Force").SingleError().FullyQualifiedErrorId);
        Assert.Equal("Healthy", Assert.Single(_ps.Get<HaCluster>("New-HaCluster -Name gone")).Status);
    }

    private IReadOnlyList<int> Processes(string cluster) => DetachedProcess.FindByMarker(Path.Combine(_ps.Home, "clusters", cluster) + "/");

    /// <summary>The loopback blocks reserved for the cluster's state file.</summary>
    private List<string> Blocks(string cluster)
    {
        var owner = ClusterStateFile.PathOf(_ps.Home, cluster);
        return Directory.Exists(LoopbackBlocks.ReservationFolder)
            ? Directory.EnumerateFiles(LoopbackBlocks.ReservationFolder).Where(f => File.ReadAllText(f) == owner).Select(f => Path.GetFileName(f)).ToList()
            : [];
    }

    public void Dispose() => _ps.Dispose();
}
