using HaMaster.Engine.Etcd;
using HaMaster.Engine.Health;
using HaMaster.Engine.Model;

namespace HaMaster.Engine.Flows;

/// <summary>
/// Keeps etcd's database in shape (docs/design.md §10.5): the key history compacted to the current
/// revision, every member defragmented one at a time (<see cref="DefragmentMemberFlow"/>, followers
/// first, the leader last), then a NOSPACE alarm disarmed once every member's database is under the
/// quota again. Not journaled itself: a compaction has nothing to undo, and each defragmentation
/// journals itself.
/// </summary>
public sealed class OptimizeClusterFlow : Flow
{
    private readonly ClusterHealth _health;
    private readonly List<DefragmentMemberFlow> _defragmented = [];
    private readonly List<EtcdAlarm> _cleared = [];

    public OptimizeClusterFlow(ClusterSession session, ClusterHealth health) : base(session)
    {
        _health = health;
        Steps =
        [
            new("compact", "Compact the key history to the current revision", CompactAsync),
            new("defragment", "Defragment each member, followers first and the leader last", DefragmentAsync),
            new("disarm", "Disarm the NOSPACE alarm once there is room", DisarmAsync),
        ];
    }

    public override string Activity => $"Optimize the etcd database of {Session.Name}";
    public override IReadOnlyList<FlowStep> Steps { get; }

    public IReadOnlyList<EtcdDefragmentation> Results => _defragmented.Select(flow => new EtcdDefragmentation
    {
        Cluster = Session.Name,
        Member = flow.ReplicaName!,
        DbSizeBefore = flow.DbSizeBefore,
        DbSizeAfter = flow.DbSizeAfter,
        Duration = flow.OutOfService,
        AlarmsCleared = _cleared.Where(a => _health.MemberName(a.MemberId) == flow.ReplicaName).Select(a => a.Type).ToList(),
    }).ToList();

    private async Task CompactAsync(CancellationToken cancellationToken)
    {
        // The newest revision any member has applied: no member is ahead of it, so it can be compacted to.
        var revision = _health.Replicas.Max(r => r.EtcdStatus?.Revision ?? 0);
        await Session.Etcd.CompactAsync(ClusterSession.VoterEndpoint(_health), revision, cancellationToken).ConfigureAwait(false);
        Session.Observer.Verbose($"etcd history of cluster '{Session.Name}' compacted to revision {revision}.");
    }

    private async Task DefragmentAsync(CancellationToken cancellationToken)
    {
        foreach (var member in _health.Replicas.Where(r => r.IsVoter).OrderBy(r => r.EtcdRole == EtcdRole.Leader).Select(r => r.Replica).ToList())
        {
            var flow = new DefragmentMemberFlow(Session, member);
            await flow.RunAsync(cancellationToken).ConfigureAwait(false);
            _defragmented.Add(flow);
        }
    }

    /// <summary>etcd raises NOSPACE again on the next write past the quota, so it is disarmed only when every member is under it.</summary>
    private async Task DisarmAsync(CancellationToken cancellationToken)
    {
        var health = await Session.InspectAsync(cancellationToken).ConfigureAwait(false);
        var noSpace = health.Alarms.Where(a => a.Type == EtcdAlarm.NoSpace).ToList();
        if (noSpace.Count == 0) return;
        var full = health.Replicas.Where(r => r.EtcdStatus is { } s && s.DbSize >= Session.State.EtcdQuotaBytes).Select(r => r.Replica.Name).ToList();
        if (full.Count > 0)
        {
            Session.Observer.Warning($"The NOSPACE alarm of cluster '{Session.Name}' stays: the database of {string.Join(", ", full)} is still at its quota of {EtcdQuota.Describe(Session.State.EtcdQuotaBytes)} after defragmentation. Delete what is not needed, then run Optimize-HaCluster -Cluster {Session.Name} again.");
            return;
        }
        var endpoint = ClusterSession.VoterEndpoint(health);
        foreach (var alarm in noSpace)
        {
            await Session.Etcd.DisarmAlarmAsync(endpoint, alarm, cancellationToken).ConfigureAwait(false);
            _cleared.Add(alarm);
        }
    }
}
