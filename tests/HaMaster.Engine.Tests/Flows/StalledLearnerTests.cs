using HaMaster.Engine.Tests.Fakes;
using Xunit;

namespace HaMaster.Engine.Tests.Flows;

/// <summary>
/// etcd's publish lost in a raft snapshot (docs/design.md §5): a new learner the leader lists as
/// started that answers nothing is restarted once, before its promotion, where the provider restarts
/// a replica in seconds; one that answers is promoted as it is.
/// </summary>
public sealed class StalledLearnerTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "hm-stalled-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly FakeWorld _world = new() { RestartsInSeconds = true };

    [Fact]
    public async Task A_learner_listed_as_started_that_does_not_answer_is_restarted_once_before_its_promotion()
    {
        var engine = await ClusterAsync();
        _world.StallNextJoin = true;

        var added = await engine.AddReplicaAsync("st", null, CancellationToken.None);

        var calls = _world.Calls.ToList();
        Assert.Equal([$"start {added.Name}", $"stop {added.Name}", $"start {added.Name}"], calls.Where(c => c.EndsWith(" " + added.Name, StringComparison.Ordinal)));
        Assert.True(calls.IndexOf($"stop {added.Name}") < calls.FindIndex(c => c.StartsWith("member-promote", StringComparison.Ordinal)));
        Assert.True(added.Healthy, string.Join("; ", added.Problems));
        Assert.All(_world.Members, m => Assert.False(m.IsLearner));
    }

    [Fact]
    public async Task A_learner_that_answers_is_promoted_without_a_restart()
    {
        var engine = await ClusterAsync();

        var added = await engine.AddReplicaAsync("st", null, CancellationToken.None);

        Assert.DoesNotContain($"stop {added.Name}", _world.Calls);
        Assert.True(added.Healthy, string.Join("; ", added.Problems));
    }

    private async Task<HaEngine> ClusterAsync()
    {
        var engine = _world.Engine(_root, options: FakeWorld.FastOptions with { PublishPatience = TimeSpan.FromMilliseconds(200) });
        await engine.NewClusterAsync(new NewClusterRequest("st"), CancellationToken.None);
        return engine;
    }

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }
}
