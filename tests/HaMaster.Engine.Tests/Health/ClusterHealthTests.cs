using HaMaster.Engine.Health;
using HaMaster.Engine.Model;
using Xunit;

namespace HaMaster.Engine.Tests.Health;

public sealed class ClusterHealthTests
{
    [Theory]
    [InlineData(OperationKind.CreateCluster, null, "an interrupted CreateCluster is pending;")]
    [InlineData(OperationKind.AddReplica, "demo-master-1a2", "an interrupted AddReplica of demo-master-1a2 is pending;")]
    public void An_interrupted_change_is_named_with_its_replica_only_when_it_has_one(OperationKind kind, string? replica, string expected)
    {
        var state = new ClusterState { Name = "demo", Zone = "local-a", Address = "127.20.1.1", Pending = new PendingOperation { Kind = kind, Replica = replica } };
        var health = new ClusterHealth(state, [], null, null, true, null);
        Assert.Contains(health.Problems, p => p.StartsWith(expected, StringComparison.Ordinal));
    }
}
