using HaMaster.Engine.Errors;
using HaMaster.Engine.Etcd;
using HaMaster.Engine.State;
using HaMaster.Engine.Tests.Fakes;
using Xunit;

namespace HaMaster.Engine.Tests.Flows;

/// <summary>
/// Optimize-HaCluster and etcd's alarms over the in-memory fakes (docs/design.md §10.5): the order
/// members are defragmented in, each out of the load balancer while it blocks, NOSPACE disarmed only
/// when there is room, the refusals, and where each alarm shows.
/// </summary>
public sealed class OptimizeFlowTests : IDisposable
{
    private const string Cluster = "op";
    private const long MiB = 1024 * 1024;
    private readonly string _root = Directory.CreateTempSubdirectory("hm-optimize-").FullName;
    private readonly FakeWorld _world = new();
    private readonly List<string> _warnings = [];

    [Fact]
    public async Task Followers_are_defragmented_first_and_the_leader_last_each_out_of_the_load_balancer_and_NOSPACE_is_disarmed()
    {
        await ClusterAsync(replicas: 3, quota: 64 * MiB);
        foreach (var member in _world.Members) (member.DbSize, member.DbSizeInUse) = (64 * MiB, 3 * MiB);
        var leader = _world.Members.Single(m => m.Id == _world.LeaderId);
        _world.Alarms.Add(new EtcdAlarm(leader.Id, EtcdAlarm.NoSpace));
        _world.Calls.Clear();

        var results = await Engine().OptimizeAsync(Cluster, CancellationToken.None);

        var defragmented = _world.Calls.Where(c => c.StartsWith("defragment ", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, defragmented.Count);
        Assert.All(defragmented, c => Assert.DoesNotContain(" served", c));
        Assert.DoesNotContain(defragmented, c => c.EndsWith(" leader", StringComparison.Ordinal));
        Assert.Equal($"defragment {leader.Name}", defragmented[^1]);
        Assert.StartsWith("compact ", _world.Calls[0]);
        Assert.True(_world.Calls.IndexOf($"move-leader {_world.LeaderId:x}") < _world.Calls.IndexOf(defragmented[^1]));
        Assert.Equal($"alarm-disarm NOSPACE {leader.Id:x}", _world.Calls[^1]);

        Assert.Equal(defragmented.Select(c => c["defragment ".Length..]), results.Select(r => r.Member));
        Assert.All(results, r => Assert.Equal(61 * MiB, r.ReclaimedBytes));
        Assert.Equal(["NOSPACE"], Assert.Single(results, r => r.Member == leader.Name).AlarmsCleared);
        Assert.Empty(_world.Alarms);
        Assert.Equal(_world.Members.Select(m => m.Name).Order(), _world.Frontend.Order());
        Assert.Null(Store().Load(Cluster).Pending);
    }

    [Fact]
    public async Task NOSPACE_stays_with_a_warning_while_a_database_is_still_at_its_quota()
    {
        await ClusterAsync(replicas: 3, quota: 16 * MiB);
        var full = _world.Members[1];
        (full.DbSize, full.DbSizeInUse) = (17 * MiB, 17 * MiB);
        _world.Alarms.Add(new EtcdAlarm(full.Id, EtcdAlarm.NoSpace));

        var results = await Engine().OptimizeAsync(Cluster, CancellationToken.None);

        Assert.Single(_world.Alarms);
        Assert.All(results, r => Assert.Empty(r.AlarmsCleared));
        Assert.Contains(_warnings, w => w.Contains($"database of {full.Name} is still at its quota of 16 MiB", StringComparison.Ordinal));
    }

    [Fact]
    public async Task NOSPACE_is_the_clusters_problem_and_CORRUPT_its_members_replica_with_the_command_that_clears_each()
    {
        await ClusterAsync(replicas: 3, quota: 16 * MiB);
        var (full, corrupt) = (_world.Members[0], _world.Members[2]);
        _world.Alarms.Add(new EtcdAlarm(full.Id, EtcdAlarm.NoSpace));
        _world.Alarms.Add(new EtcdAlarm(corrupt.Id, EtcdAlarm.Corrupt));

        var cluster = await Engine().GetClusterAsync(Cluster, CancellationToken.None);
        var replicas = await Engine().GetReplicasAsync(Cluster, CancellationToken.None);
        var members = await Engine().GetEtcdMembersAsync(Cluster, CancellationToken.None);

        Assert.Equal("Degraded", cluster.Status);
        Assert.Contains(cluster.Problems, p => p.StartsWith($"etcd alarm NOSPACE on {full.Name}: the database reached its quota of 16 MiB", StringComparison.Ordinal)
            && p.EndsWith($"Optimize-HaCluster -Cluster {Cluster}", StringComparison.Ordinal));
        Assert.True(replicas.Single(r => r.Name == full.Name).Healthy);
        Assert.Equal([$"etcd alarm CORRUPT: its data differs from the other members'; replace it with Repair-MasterReplica -Cluster {Cluster} -Name {corrupt.Name}"],
            replicas.Single(r => r.Name == corrupt.Name).Problems);
        Assert.Equal(["NOSPACE"], members.Single(m => m.Name == full.Name).Alarms);
        Assert.Contains("Optimize-HaCluster", members.Single(m => m.Name == full.Name).Problem);
        Assert.Contains("Repair-MasterReplica", members.Single(m => m.Name == corrupt.Name).Problem);
    }

    [Fact]
    public async Task Fragmentation_is_the_share_of_the_file_that_is_free()
    {
        await ClusterAsync(replicas: 1, quota: 16 * MiB);
        (_world.Members[0].DbSize, _world.Members[0].DbSizeInUse) = (8 * MiB, 2 * MiB);

        var member = Assert.Single(await Engine().GetEtcdMembersAsync(Cluster, CancellationToken.None));

        Assert.Equal((8 * MiB, 2 * MiB, 0.75), (member.DbSize, member.DbSizeInUse, member.Fragmentation));
        Assert.True(member.Healthy);
    }

    [Fact]
    public async Task Without_quorum_or_with_a_replica_down_it_is_refused_with_nothing_touched()
    {
        await ClusterAsync(replicas: 3, quota: 16 * MiB);
        var names = _world.Members.Select(m => m.Name).ToList();
        _world.Machines[names[1]].Running = false;
        var before = _world.Describe();
        _world.Calls.Clear();

        var oneDown = await Assert.ThrowsAsync<HaException>(() => Engine().OptimizeAsync(Cluster, CancellationToken.None));
        _world.Machines[names[2]].Running = false;
        var noQuorum = await Assert.ThrowsAsync<HaException>(() => Engine().OptimizeAsync(Cluster, CancellationToken.None));

        Assert.Equal(ErrorIds.ClusterUnhealthy, oneDown.ErrorId);
        Assert.Contains("answers nothing while it is defragmented", oneDown.Message);
        Assert.Equal(ErrorIds.ClusterUnhealthy, noQuorum.ErrorId);
        Assert.Contains("no etcd quorum", noQuorum.Message);
        Assert.DoesNotContain(_world.Calls, c => c.Split(' ')[0] is "compact" or "defragment" or "drain" or "move-leader");
        _world.Machines[names[2]].Running = true;
        Assert.Equal(before, _world.Describe());
    }

    private async Task ClusterAsync(int replicas, long quota)
    {
        await Engine().NewClusterAsync(new NewClusterRequest(Cluster, EtcdQuotaBytes: quota), CancellationToken.None);
        for (var i = 1; i < replicas; i++) await Engine().AddReplicaAsync(Cluster, null, CancellationToken.None);
    }

    private ClusterStore Store() => new(new StateDirectory(_root));

    private HaEngine Engine() => _world.Engine(_root, new WarningRecorder(_warnings));

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
