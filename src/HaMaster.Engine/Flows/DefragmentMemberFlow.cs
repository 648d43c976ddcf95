using System.Diagnostics;
using HaMaster.Engine.Errors;
using HaMaster.Engine.Model;

namespace HaMaster.Engine.Flows;

/// <summary>
/// Defragments one replica's etcd member (docs/design.md §10.5): out of the load balancer first (a
/// member answers nothing while it defragments), etcd leadership handed on when it leads, its database
/// rewritten without free pages, then back behind the cluster address once the load balancer serves
/// it. Journaled from its first step: an interrupted one is finished by running it again (every step
/// is idempotent; a second defragmentation finds nothing left to give back).
/// </summary>
public sealed class DefragmentMemberFlow : Flow
{
    private readonly ReplicaRecord _replica;
    private readonly Stopwatch _outOfService = new();

    public DefragmentMemberFlow(ClusterSession session, ReplicaRecord replica) : base(session)
    {
        _replica = replica;
        Steps =
        [
            new("drain", "Take it out of the load balancer", DrainAsync) { PointOfNoReturn = true },
            new("move-leader", "Move etcd leadership away from it", MoveLeaderAsync),
            new("defragment", "Defragment its etcd database", DefragmentAsync),
            new("load-balancer", "Put it back behind the cluster address", ct => session.Provider.ReconcileFrontendAsync(session.State, session.Pki.ClusterCaFile, ct)),
            new("wait-served", "Wait until the load balancer serves it", WaitServedAsync),
        ];
    }

    public static DefragmentMemberFlow Interrupted(ClusterSession session, string? replica) =>
        new(session, session.State.FindReplica(replica ?? "") ?? throw new InvalidOperationException($"The interrupted defragmentation names replica '{replica}', which the cluster no longer has."));

    public override string Activity => $"Defragment the etcd database of {_replica.Name}";
    public override IReadOnlyList<FlowStep> Steps { get; }
    public override OperationKind? Journal => OperationKind.Defragment;
    public override string? ReplicaName => _replica.Name;

    public long DbSizeBefore { get; private set; }
    public long DbSizeAfter { get; private set; }
    public TimeSpan OutOfService => _outOfService.Elapsed;

    private Task DrainAsync(CancellationToken cancellationToken)
    {
        _outOfService.Start();
        return Session.Provider.DrainAsync(Session.State, _replica, cancellationToken);
    }

    private async Task MoveLeaderAsync(CancellationToken cancellationToken)
    {
        var health = await Session.InspectAsync(cancellationToken).ConfigureAwait(false);
        await Session.MoveLeadershipAwayAsync(health, _replica, cancellationToken).ConfigureAwait(false);
    }

    private async Task DefragmentAsync(CancellationToken cancellationToken)
    {
        DbSizeBefore = (await Session.Etcd.StatusAsync(_replica.ClientUrl, cancellationToken).ConfigureAwait(false)).DbSize;
        await Session.Etcd.DefragmentAsync(_replica.ClientUrl, Session.Options.DefragmentTimeout, cancellationToken).ConfigureAwait(false);
        DbSizeAfter = (await Session.Etcd.StatusAsync(_replica.ClientUrl, cancellationToken).ConfigureAwait(false)).DbSize;
    }

    private async Task WaitServedAsync(CancellationToken cancellationToken)
    {
        var timeout = Session.Options.ReadyTimeout;
        if (!await Session.WaitServedAsync(_replica, timeout, cancellationToken).ConfigureAwait(false))
            throw new HaException(ErrorIds.ReplicaNotReady,
                $"Replica '{_replica.Name}' was not served by the load balancer within {timeout.TotalSeconds:0} s after its etcd database was defragmented; the other members were not touched.",
                $"See its Problems with Get-MasterReplica -Cluster {Session.Name} -Name {_replica.Name}; Optimize-HaCluster -Cluster {Session.Name} runs again.",
                _replica.Name);
        _outOfService.Stop();
    }
}
