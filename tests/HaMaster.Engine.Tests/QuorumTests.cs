using HaMaster.Engine;
using Xunit;

namespace HaMaster.Engine.Tests;

public class QuorumTests
{
    [Theory]
    [InlineData(1, 1, 0)]
    [InlineData(2, 2, 0)]
    [InlineData(3, 2, 1)]
    [InlineData(4, 3, 1)]
    [InlineData(5, 3, 2)]
    [InlineData(6, 4, 2)]
    [InlineData(7, 4, 3)]
    public void Majority_and_fault_tolerance_follow_etcd(int voters, int quorum, int tolerance)
    {
        Assert.Equal(quorum, Quorum.Of(voters));
        Assert.Equal(tolerance, Quorum.FaultTolerance(voters));
    }

    [Fact]
    public void An_empty_cluster_has_no_quorum_to_keep()
    {
        Assert.Equal(0, Quorum.Of(0));
        Assert.Equal(0, Quorum.FaultTolerance(0));
    }
}
