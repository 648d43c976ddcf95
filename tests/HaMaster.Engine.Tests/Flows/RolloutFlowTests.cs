using HaMaster.Engine.Errors;
using HaMaster.Engine.State;
using HaMaster.Engine.Tests.Fakes;
using Xunit;

namespace HaMaster.Engine.Tests.Flows;

/// <summary>
/// Update-HaCluster -Rollout over the in-memory fakes (docs/design.md §10.4): a backup first, then each
/// replica replaced surge first in its own zone, followers before the leader, and the refusal.
/// </summary>
public sealed class RolloutFlowTests : IDisposable
{
    private const string Cluster = "ro";
    private readonly string _root = Directory.CreateTempSubdirectory("hm-rollout-").FullName;
    private readonly FakeWorld _world = new();

    [Fact]
    public async Task Every_replica_is_replaced_in_its_zone_each_new_one_started_before_an_old_one_goes_and_the_leader_last()
    {
        await Engine().NewClusterAsync(new NewClusterRequest(Cluster, MultiZone: true), CancellationToken.None);
        await Engine().AddReplicaAsync(Cluster, null, CancellationToken.None);
        await Engine().AddReplicaAsync(Cluster, null, CancellationToken.None);
        var before = Store().Load(Cluster).Replicas.ToDictionary(r => r.Name, r => r.Zone);
        var leader = _world.Members.Single(m => m.Id == _world.LeaderId).Name;
        var backups = Engine().GetBackups(Cluster, null).Count;
        _world.Calls.Clear();

        var after = await Engine().RolloutAsync(Cluster, CancellationToken.None);

        Assert.Equal(3, after.Count);
        Assert.DoesNotContain(after, r => before.ContainsKey(r.Name));
        Assert.Equal(before.Values.Order(), after.Select(r => r.Zone).Order());
        Assert.All(after, r => Assert.True(r.Healthy, string.Join("; ", r.Problems)));
        var starts = _world.Calls.Where(c => c.StartsWith("start ", StringComparison.Ordinal)).ToList();
        var deletes = _world.Calls.Where(c => c.StartsWith("delete ", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, starts.Count);
        Assert.Equal(before.Keys.Order(), deletes.Select(d => d["delete ".Length..]).Order());
        for (var i = 0; i < 3; i++)
            Assert.True(_world.Calls.IndexOf(starts[i]) < _world.Calls.IndexOf(deletes[i]), $"replacement {i + 1} started after the old replica was deleted");
        Assert.Equal($"delete {leader}", deletes[^1]);
        Assert.Equal("BeforeUpdate", Assert.Single(Engine().GetBackups(Cluster, null).Skip(backups)).Reason);
        Assert.Null(Store().Load(Cluster).Pending);
    }

    [Fact]
    public async Task A_one_replica_cluster_is_rolled_out_through_two_replicas_and_back_to_one()
    {
        await Engine().NewClusterAsync(new NewClusterRequest(Cluster), CancellationToken.None);
        var old = Store().Load(Cluster).Replicas.Single().Name;

        var after = Assert.Single(await Engine().RolloutAsync(Cluster, CancellationToken.None));

        Assert.NotEqual(old, after.Name);
        Assert.True(after.Healthy, string.Join("; ", after.Problems));
        Assert.Equal([after.Name], _world.Members.Select(m => m.Name));
    }

    [Fact]
    public async Task A_cluster_with_a_replica_down_is_refused_with_nothing_touched()
    {
        await Engine().NewClusterAsync(new NewClusterRequest(Cluster), CancellationToken.None);
        await Engine().AddReplicaAsync(Cluster, null, CancellationToken.None);
        await Engine().AddReplicaAsync(Cluster, null, CancellationToken.None);
        _world.Machines[Store().Load(Cluster).Replicas[1].Name].Running = false;
        var before = _world.Describe();
        var state = File.ReadAllText(new StateDirectory(_root).StateFile(Cluster));

        var refused = await Assert.ThrowsAsync<HaException>(() => Engine().RolloutAsync(Cluster, CancellationToken.None));

        Assert.Equal(ErrorIds.ClusterUnhealthy, refused.ErrorId);
        Assert.Contains("etcd admits no new member while a voter is down", refused.Message);
        Assert.Equal(before, _world.Describe());
        Assert.Equal(state, File.ReadAllText(new StateDirectory(_root).StateFile(Cluster)));
    }

    [Fact]
    public async Task New_settings_are_recorded_and_every_replacement_is_made_with_them_and_the_same_settings_again_replace_nothing()
    {
        await Engine().NewClusterAsync(new NewClusterRequest(Cluster), CancellationToken.None);
        await Engine().AddReplicaAsync(Cluster, null, CancellationToken.None);
        var change = new Providers.ReplicaSettingsChange(MachineType: "large");
        Assert.Equal(Store().Load(Cluster).Replicas.Select(r => r.Name), Engine().PlanUpdate(Cluster, change, rollout: false, force: false).Replicas);

        var after = await Engine().UpdateAsync(Cluster, change, rollout: false, force: false, CancellationToken.None);

        Assert.Equal("large", Store().Load(Cluster).ProviderData[FakeReplicaProvider.MachineTypeKey]);
        Assert.All(after, r => Assert.Equal("large", _world.Machines[r.Name].MachineType));
        Assert.Empty(Engine().PlanUpdate(Cluster, change, rollout: false, force: false).Replicas);
        _world.Calls.Clear();
        var warnings = new List<string>();
        var again = await _world.Engine(_root, new WarningRecorder(warnings)).UpdateAsync(Cluster, change, rollout: false, force: false, CancellationToken.None);
        Assert.Equal(after.Select(r => r.Name), again.Select(r => r.Name));
        Assert.DoesNotContain(_world.Calls, c => c.StartsWith("start ", StringComparison.Ordinal) || c.StartsWith("delete ", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.Contains("has these settings already; no replica was replaced", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_setting_the_provider_does_not_have_is_refused_before_anything_is_touched()
    {
        await Engine().NewClusterAsync(new NewClusterRequest(Cluster), CancellationToken.None);
        var state = File.ReadAllText(new StateDirectory(_root).StateFile(Cluster));
        var change = new Providers.ReplicaSettingsChange(KubernetesVersion: "v1.35.0");

        Assert.Equal(ErrorIds.ProviderParameterNotSupported, Assert.Throws<HaException>(() => Engine().PlanUpdate(Cluster, change, rollout: false, force: false)).ErrorId);
        var refused = await Assert.ThrowsAsync<HaException>(() => Engine().UpdateAsync(Cluster, change, rollout: true, force: false, CancellationToken.None));

        Assert.Equal(ErrorIds.ProviderParameterNotSupported, refused.ErrorId);
        Assert.StartsWith("-KubernetesVersion applies to the Gce provider only", refused.Message, StringComparison.Ordinal);
        Assert.Equal(state, File.ReadAllText(new StateDirectory(_root).StateFile(Cluster)));
    }

    private ClusterStore Store() => new(new StateDirectory(_root));

    private HaEngine Engine() => _world.Engine(_root);

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
