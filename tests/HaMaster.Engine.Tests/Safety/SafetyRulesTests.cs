using HaMaster.Engine.Errors;
using HaMaster.Engine.Safety;
using Xunit;

namespace HaMaster.Engine.Tests.Safety;

public class SafetyRulesTests
{
    private static MembershipView Cluster(int healthy, int unhealthy = 0, int learners = 0, bool quorumRead = true)
    {
        var replicas = Enumerable.Range(0, healthy).Select(i => new MemberHealth($"r{i}", true, true, null))
            .Concat(Enumerable.Range(0, unhealthy).Select(i => new MemberHealth($"bad{i}", false, true, "etcd process is not running")))
            .ToList();
        return new MembershipView("demo", replicas, learners, quorumRead);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(6)]
    public void Adding_to_a_healthy_cluster_is_allowed(int replicas) => SafetyRules.CheckAdd(Cluster(replicas));

    [Fact]
    public void Adding_to_a_cluster_with_a_down_replica_points_at_repair()
    {
        var error = Assert.Throws<HaException>(() => SafetyRules.CheckAdd(Cluster(2, unhealthy: 1)));
        Assert.Equal(ErrorIds.ClusterUnhealthy, error.ErrorId);
        Assert.Contains("Repair-MasterReplica", error.RecommendedAction);
        Assert.Contains("bad0", error.Message);
    }

    [Fact]
    public void Adding_beyond_seven_is_refused() =>
        Assert.Equal(ErrorIds.ReplicaLimitReached, Assert.Throws<HaException>(() => SafetyRules.CheckAdd(Cluster(7))).ErrorId);

    [Fact]
    public void A_request_for_several_replicas_that_would_pass_seven_is_refused_whole()
    {
        var error = Assert.Throws<HaException>(() => SafetyRules.CheckRoomFor("c", replicas: 6, adding: 2));
        Assert.Equal(ErrorIds.ReplicaLimitReached, error.ErrorId);
        Assert.Contains("adding 2 would make 8", error.Message);
        Assert.Contains("Add at most 1", error.RecommendedAction);
        SafetyRules.CheckRoomFor("c", replicas: 5, adding: 2);
    }

    [Fact]
    public void A_pending_learner_blocks_every_change()
    {
        Assert.Equal(ErrorIds.MembershipChangeInProgress, Assert.Throws<HaException>(() => SafetyRules.CheckAdd(Cluster(3, learners: 1))).ErrorId);
        Assert.Equal(ErrorIds.MembershipChangeInProgress, Assert.Throws<HaException>(() => SafetyRules.CheckRemove(Cluster(3, learners: 1), "r0", force: true)).ErrorId);
    }

    [Fact]
    public void A_repair_may_add_while_quorum_projection_holds()
    {
        // 5 replicas, one was just removed (4 voters) and another is down: 3 healthy ≥ quorum(5) = 3.
        SafetyRules.CheckAdd(Cluster(3, unhealthy: 1), forRepair: true);
        // 3 voters, 2 down: 1 healthy < quorum(4) = 3, and no quorum read either.
        Assert.Throws<HaException>(() => SafetyRules.CheckAdd(Cluster(1, unhealthy: 2, quorumRead: false), forRepair: true));
    }

    [Fact]
    public void Removing_a_healthy_replica_while_another_is_down_would_lose_quorum()
    {
        var error = Assert.Throws<HaException>(() => SafetyRules.CheckRemove(Cluster(2, unhealthy: 1), "r0", force: false));
        Assert.Equal(ErrorIds.QuorumWouldBeLost, error.ErrorId);
        Assert.Contains("Repair-MasterReplica", error.RecommendedAction);
        Assert.Contains("bad0", error.RecommendedAction);
        // -Force does not override quorum.
        Assert.Equal(ErrorIds.QuorumWouldBeLost, Assert.Throws<HaException>(() => SafetyRules.CheckRemove(Cluster(2, unhealthy: 1), "r0", force: true)).ErrorId);
    }

    [Fact]
    public void Removing_the_unhealthy_replica_is_allowed() => SafetyRules.CheckRemove(Cluster(2, unhealthy: 1), "bad0", force: false);

    [Fact]
    public void Force_overrides_only_the_healthy_cluster_gate_when_quorum_holds()
    {
        var view = Cluster(4, unhealthy: 1);
        var error = Assert.Throws<HaException>(() => SafetyRules.CheckRemove(view, "r0", force: false));
        Assert.Equal(ErrorIds.ClusterUnhealthy, error.ErrorId);
        Assert.Contains("-Force", error.RecommendedAction);
        SafetyRules.CheckRemove(view, "r0", force: true); // 3 healthy of 4 voters ≥ 3
    }

    [Fact]
    public void The_last_replica_is_never_removed()
    {
        foreach (var force in new[] { false, true })
        {
            var error = Assert.Throws<HaException>(() => SafetyRules.CheckRemove(Cluster(1), "r0", force));
            Assert.Equal(ErrorIds.LastReplica, error.ErrorId);
            Assert.Contains("Remove-HaCluster", error.RecommendedAction);
        }
        var repair = Assert.Throws<HaException>(() => SafetyRules.CheckRemove(Cluster(1), "r0", force: true, forRepair: true));
        Assert.Equal(ErrorIds.LastReplica, repair.ErrorId);
        Assert.Contains("Add-MasterReplica", repair.RecommendedAction);
    }

    [Fact]
    public void Without_quorum_no_membership_change_is_possible()
    {
        var error = Assert.Throws<HaException>(() => SafetyRules.CheckRemove(Cluster(1, unhealthy: 2, quorumRead: false), "bad0", force: true));
        Assert.Equal(ErrorIds.ClusterUnhealthy, error.ErrorId);
        Assert.Contains("Start-MasterReplica", error.RecommendedAction);
    }

    [Fact]
    public void Stopping_below_quorum_needs_force()
    {
        Assert.Equal(ErrorIds.QuorumWouldBeLost, Assert.Throws<HaException>(() => SafetyRules.CheckStop(Cluster(2, unhealthy: 1), "r0", force: false)).ErrorId);
        SafetyRules.CheckStop(Cluster(2, unhealthy: 1), "r0", force: true);
        SafetyRules.CheckStop(Cluster(3), "r0", force: false);
    }

    [Fact]
    public void While_a_replica_is_unhealthy_only_it_can_be_repaired_even_with_force()
    {
        var error = Assert.Throws<HaException>(() => SafetyRules.CheckRemove(Cluster(4, unhealthy: 1), "r0", force: true, forRepair: true));
        Assert.Equal(ErrorIds.ClusterUnhealthy, error.ErrorId);
        Assert.Contains("etcd admits no new member while one of its voters is down", error.Message);
        Assert.Contains("Repair-MasterReplica -Cluster demo -Name bad0", error.RecommendedAction);
        SafetyRules.CheckRemove(Cluster(4, unhealthy: 1), "r0", force: true); // a removal alone keeps 3 healthy of 4 voters
        SafetyRules.CheckRemove(Cluster(4, unhealthy: 1), "bad0", force: false, forRepair: true);
    }

    [Fact]
    public void With_two_replicas_unhealthy_repairing_one_says_to_remove_the_other_first()
    {
        var error = Assert.Throws<HaException>(() => SafetyRules.CheckRemove(Cluster(3, unhealthy: 2), "bad0", force: true, forRepair: true));
        Assert.Equal(ErrorIds.ClusterUnhealthy, error.ErrorId);
        Assert.StartsWith("Remove the other unhealthy replica first: Remove-MasterReplica -Cluster demo -Name bad1 -Force", error.RecommendedAction);
    }

    [Fact]
    public void Stopping_the_only_replica_needs_force()
    {
        var error = Assert.Throws<HaException>(() => SafetyRules.CheckStop(Cluster(1), "r0", force: false));
        Assert.Equal(ErrorIds.QuorumWouldBeLost, error.ErrorId);
        Assert.Contains("0 healthy of 1 voter,", error.Message);
        Assert.DoesNotContain("Repair", error.RecommendedAction);
        Assert.Contains("Repair", Assert.Throws<HaException>(() => SafetyRules.CheckStop(Cluster(2, unhealthy: 1), "r0", force: false)).RecommendedAction);
        SafetyRules.CheckStop(Cluster(1), "r0", force: true);
    }

    [Fact]
    public void Renewing_certificates_one_at_a_time_needs_every_replica_healthy_and_points_at_force_without_quorum()
    {
        SafetyRules.CheckCertificateRenewal(Cluster(3));
        SafetyRules.CheckCertificateRenewal(Cluster(1));
        var degraded = Assert.Throws<HaException>(() => SafetyRules.CheckCertificateRenewal(Cluster(2, unhealthy: 1)));
        Assert.Equal(ErrorIds.ClusterUnhealthy, degraded.ErrorId);
        Assert.Contains("bad0", degraded.Message);
        Assert.Contains("Replace-MasterReplica", degraded.RecommendedAction);
        var down = Assert.Throws<HaException>(() => SafetyRules.CheckCertificateRenewal(Cluster(1, unhealthy: 2, quorumRead: false)));
        Assert.Equal(ErrorIds.ClusterUnhealthy, down.ErrorId);
        Assert.Contains("Update-HaCertificate -Cluster demo -Force", down.RecommendedAction);
    }

    [Fact]
    public void Optimizing_needs_every_replica_healthy_because_each_member_blocks_in_turn_and_has_no_force()
    {
        SafetyRules.CheckOptimize(Cluster(3));
        SafetyRules.CheckOptimize(Cluster(1));
        var degraded = Assert.Throws<HaException>(() => SafetyRules.CheckOptimize(Cluster(2, unhealthy: 1)));
        Assert.Equal(ErrorIds.ClusterUnhealthy, degraded.ErrorId);
        Assert.Contains("bad0", degraded.Message);
        Assert.Contains("answers nothing while it is defragmented", degraded.Message);
        Assert.Contains("Replace-MasterReplica", degraded.RecommendedAction);
        var down = Assert.Throws<HaException>(() => SafetyRules.CheckOptimize(Cluster(1, unhealthy: 2, quorumRead: false)));
        Assert.Equal(ErrorIds.ClusterUnhealthy, down.ErrorId);
        Assert.Contains("no etcd quorum", down.Message);
        Assert.DoesNotContain("-Force", down.RecommendedAction + degraded.RecommendedAction);
    }

    [Fact]
    public void The_even_count_warning_counts_in_words_that_agree() =>
        Assert.Contains("which tolerate 0 failures, no more than 1 replica would.", SafetyRules.EvenCountWarning("demo", 2));

    [Theory]
    [InlineData(1, false)]
    [InlineData(2, true)]
    [InlineData(3, false)]
    [InlineData(4, true)]
    public void Even_counts_are_warned_about(int replicas, bool warned) =>
        Assert.Equal(warned, SafetyRules.EvenCountWarning("demo", replicas) is not null);
}
