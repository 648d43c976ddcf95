using HaMaster.Engine.Errors;
using HaMaster.Engine.Etcd;
using HaMaster.Engine.Health;
using HaMaster.Engine.Model;
using HaMaster.Engine.Naming;
using HaMaster.Engine.Providers;

namespace HaMaster.Engine.Flows;

/// <summary>
/// Adds one replica the way kubeadm joins a stacked etcd member: the member is added as a learner
/// only when the replica is about to start, started, promoted once caught up, and put in the load
/// balancer only when it is ready. Anything that fails before the promotion is rolled back.
/// </summary>
public sealed class AddReplicaFlow : Flow
{
    private readonly ClusterHealth? _health;
    private bool _learnerRequested;

    /// <summary>A new replica in <paramref name="zone"/>, decided on <paramref name="health"/> (the health gate's snapshot).</summary>
    public AddReplicaFlow(ClusterSession session, ClusterHealth health, string zone)
        : this(session, NewRecord(session, zone), health)
    {
    }

    private AddReplicaFlow(ClusterSession session, ReplicaRecord replica, ClusterHealth? health) : base(session)
    {
        _health = health;
        Replica = replica;
        Steps =
        [
            new("record", $"Record replica {replica.Name} ({replica.InternalAddress}, {replica.Zone})", _ => RecordAsync()),
            new("certificates", "Issue its API and etcd certificates", _ => IssueCertificatesAsync()),
            new("member-add", "Add its etcd member as a learner", AddLearnerAsync),
            new("start", "Start its etcd member and API endpoint", StartAsync),
            new("promote", "Promote the learner once it has caught up", PromoteAsync),
            new("wait-ready", "Wait until it is a healthy voter and its API is ready", WaitReadyAsync),
            new("load-balancer", "Put it behind the cluster address", ActivateAsync) { PointOfNoReturn = true },
        ];
    }

    /// <summary>The join the journal says was interrupted (its replica may not have been recorded yet).</summary>
    public static AddReplicaFlow Interrupted(ClusterSession session, string? replica) =>
        new(session, (replica is null ? null : session.State.FindReplica(replica)) ?? Unrecorded(replica), health: null);

    public ReplicaRecord Replica { get; }
    public override string Activity => $"Add replica to {Session.Name}";
    public override OperationKind? Journal => OperationKind.AddReplica;
    public override string? ReplicaName => Replica.Name;
    public override IReadOnlyList<FlowStep> Steps { get; }

    private EngineOptions Options => Session.Options;

    private static ReplicaRecord NewRecord(ClusterSession session, string zone)
    {
        var state = session.State;
        return new ReplicaRecord
        {
            Name = ResourceNames.NewReplica(state.Name, state.Replicas.Select(r => r.Name).Append(ResourceNames.FirstReplica(state.Name))),
            Zone = zone,
            InternalAddress = session.Provider.AllocateReplicaAddress(state),
            Phase = ReplicaPhase.Joining,
            CreatedAt = DateTimeOffset.UtcNow,
        };
    }

    /// <summary>A stand-in for a replica the journal names but the state never recorded: nothing of it exists.</summary>
    private static ReplicaRecord Unrecorded(string? name) => new() { Name = name ?? "", Zone = "", InternalAddress = "", Phase = ReplicaPhase.Joining };

    private bool IsRecorded => Session.State.Replicas.Contains(Replica);

    /// <summary>
    /// Once promoted, the new member is a voter: removing it again needs a quorum that may count on
    /// it, so an interrupted join that reached promotion is finished. In this process a replica that
    /// never became ready is still rolled back, before the load-balancer step.
    /// </summary>
    public override async Task<bool> IsPastPointOfNoReturnAsync(string journaledStep, CancellationToken cancellationToken)
    {
        if (!IsRecorded) return false;
        var endpoint = await Session.AnsweringVoterAsync(except: Replica.Name, cancellationToken).ConfigureAwait(false);
        var members = await Session.Etcd.ListMembersAsync(endpoint, cancellationToken).ConfigureAwait(false);
        var member = members.FirstOrDefault(m => m.PeerUrls.Contains(Replica.PeerUrl));
        if (member is { IsLearner: false }) Replica.EtcdMemberId = member.Id;
        return member is { IsLearner: false };
    }

    /// <summary>Finishes a promoted join: the replica (re)started, made active and put behind the cluster address.</summary>
    public override async Task FinishAsync(CancellationToken cancellationToken)
    {
        await Session.StartReplicaAsync(Replica, StartReplicaFlow.ExistingClusterBootstrap(Session.State), cancellationToken).ConfigureAwait(false);
        Replica.Phase = ReplicaPhase.Active;
        Session.Save();
        await Session.Provider.ReconcileFrontendAsync(Session.State, Session.Pki.ClusterCaFile, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Undoes a join that did not reach the point of no return: learner removed, replica deleted, record dropped.</summary>
    public override async Task RollBackAsync(CancellationToken cancellationToken)
    {
        if (!IsRecorded) return;
        var endpoint = await Session.AnsweringVoterAsync(except: Replica.Name, cancellationToken).ConfigureAwait(false);
        // A member-add cut short in this process (Ctrl+C) is still applied when etcd had proposed it
        // already, possibly after a first look: keep looking until a settle period shows none.
        var lookUntil = DateTime.UtcNow + (_learnerRequested ? Options.SettleInterval * Options.SettleLooks : TimeSpan.Zero);
        while (true)
        {
            var found = await RemoveMembersOfReplicaAsync(endpoint, cancellationToken).ConfigureAwait(false);
            if (!found && DateTime.UtcNow >= lookUntil) break;
            await Task.Delay(Options.SettleInterval, cancellationToken).ConfigureAwait(false);
        }
        await Session.Provider.DeleteReplicaAsync(Session.State, Replica, cancellationToken).ConfigureAwait(false);
        Session.Pki.DeleteReplica(Replica.Name);
        Session.State.Replicas.Remove(Replica);
        Session.Save();
    }

    /// <summary>Removes every etcd member with this replica's peer URL; whether there was one.</summary>
    private async Task<bool> RemoveMembersOfReplicaAsync(string endpoint, CancellationToken cancellationToken)
    {
        var members = await Session.Etcd.ListMembersAsync(endpoint, cancellationToken).ConfigureAwait(false);
        var found = members.Where(m => m.PeerUrls.Contains(Replica.PeerUrl)).ToList();
        foreach (var member in found)
        {
            try
            {
                await Session.Etcd.RemoveAsync(endpoint, member.Id, cancellationToken).ConfigureAwait(false);
            }
            catch (EtcdRequestException e) when (e.IsMemberNotFound)
            {
            }
        }
        return found.Count > 0;
    }

    private Task RecordAsync()
    {
        if (!IsRecorded) Session.State.Replicas.Add(Replica);
        Session.Save();
        return Task.CompletedTask;
    }

    private Task IssueCertificatesAsync()
    {
        Session.IssueCertificates(Replica);
        return Task.CompletedTask;
    }

    private async Task AddLearnerAsync(CancellationToken cancellationToken)
    {
        var endpoint = ClusterSession.VoterEndpoint(_health!);
        var members = await Session.Etcd.ListMembersAsync(endpoint, cancellationToken).ConfigureAwait(false);
        var existing = members.FirstOrDefault(m => m.PeerUrls.Contains(Replica.PeerUrl));
        Replica.EtcdMemberId = existing?.Id ?? await AddNewLearnerAsync(endpoint, cancellationToken).ConfigureAwait(false);
        Session.Save();
    }

    /// <summary>
    /// etcd derives a new member's id from its peer URL and the current second, so re-adding a learner
    /// on the address of a member removed within the same second (a rolled-back join) draws that
    /// removed id and is refused with "member not found"; a second later the id is a new one.
    /// </summary>
    private async Task<ulong> AddNewLearnerAsync(string endpoint, CancellationToken cancellationToken)
    {
        _learnerRequested = true;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await EtcdRetry.WhileSettlingAsync(
                    () => Session.Etcd.AddLearnerAsync(endpoint, Replica.PeerUrl, cancellationToken), cancellationToken).ConfigureAwait(false);
            }
            catch (EtcdRequestException e) when (e.IsMemberNotFound && attempt < 3)
            {
                await Task.Delay(TimeSpan.FromSeconds(1.1), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task StartAsync(CancellationToken cancellationToken)
    {
        var members = await Session.Etcd.ListMembersAsync(ClusterSession.VoterEndpoint(_health!), cancellationToken).ConfigureAwait(false);
        var initial = members.Where(m => m.IsStarted).Select(m => KeyValuePair.Create(m.Name, m.PeerUrls[0]))
            .Append(KeyValuePair.Create(Replica.Name, Replica.PeerUrl))
            .ToList();
        await Session.StartReplicaAsync(Replica, new EtcdBootstrap(initial, NewCluster: false), cancellationToken).ConfigureAwait(false);
    }

    private async Task PromoteAsync(CancellationToken cancellationToken)
    {
        var endpoint = ClusterSession.VoterEndpoint(_health!);
        var memberId = Replica.EtcdMemberId!.Value;
        string? lastReason = null;
        var stalled = new StalledLearner(Session, Replica, endpoint);
        var promoted = await Waiter.UntilAsync(async () =>
        {
            if (await stalled.HoldsPromotionAsync(cancellationToken).ConfigureAwait(false)) return false;
            try
            {
                await Session.Etcd.PromoteAsync(endpoint, memberId, cancellationToken).ConfigureAwait(false);
                return true;
            }
            catch (EtcdRequestException e)
            {
                lastReason = e.Reason;
                if (e.IsNotInSync) return false;
                var members = await Session.Etcd.ListMembersAsync(endpoint, cancellationToken).ConfigureAwait(false);
                if (members.Any(m => m.Id == memberId && !m.IsLearner)) return true;
                return false;
            }
        }, Options.PromotionTimeout, cancellationToken, TimeSpan.FromMilliseconds(100)).ConfigureAwait(false);
        if (!promoted)
            throw new HaException(ErrorIds.PromotionTimedOut,
                $"The etcd learner of {Replica.Name} was not promoted within {Options.PromotionTimeout.TotalSeconds:0} s (etcd said: {lastReason}). The change was rolled back.",
                $"Check the cluster with Get-EtcdMember -Cluster {Session.Name}, then run Add-MasterReplica again.", Replica.Name);
    }

    private async Task WaitReadyAsync(CancellationToken cancellationToken)
    {
        var problem = await Session.WaitReplicaReadyAsync(Replica,
            status => status.IsLearner ? "its etcd member is still a learner" : null, Options.ReadyTimeout, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
            throw new HaException(ErrorIds.ReplicaNotReady,
                $"Replica {Replica.Name} did not become ready within {Options.ReadyTimeout.TotalSeconds:0} s: {problem}.",
                "Look at the replica's logs, then run Add-MasterReplica again.", Replica.Name);
    }

    private async Task ActivateAsync(CancellationToken cancellationToken)
    {
        Replica.Phase = ReplicaPhase.Active;
        Session.Save();
        await Session.Provider.ReconcileFrontendAsync(Session.State, Session.Pki.ClusterCaFile, cancellationToken).ConfigureAwait(false);
        await Session.WaitServedAsync(Replica, Options.ReadyTimeout, cancellationToken).ConfigureAwait(false);
    }
}
