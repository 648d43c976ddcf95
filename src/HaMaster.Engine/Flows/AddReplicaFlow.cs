using System.Net;
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
public sealed class AddReplicaFlow
{
    public static TimeSpan PromotionTimeout { get; set; } = TimeSpan.FromSeconds(60);
    public static TimeSpan ReadyTimeout { get; set; } = TimeSpan.FromSeconds(60);

    private readonly ClusterSession _session;
    private readonly ClusterHealth _health;

    public AddReplicaFlow(ClusterSession session, ClusterHealth health, string zone)
    {
        _session = session;
        _health = health;
        var state = session.State;
        Replica = new ReplicaRecord
        {
            Name = ResourceNames.NewReplica(state.Name, state.Replicas.Select(r => r.Name).Append(ResourceNames.FirstReplica(state.Name))),
            Zone = zone,
            InternalAddress = session.Provider.AllocateReplicaAddress(state),
            Phase = ReplicaPhase.Joining,
            CreatedAt = DateTimeOffset.UtcNow,
        };
        Steps =
        [
            new("record", $"Record replica {Replica.Name} ({Replica.InternalAddress}, {zone})", _ => RecordAsync()),
            new("certificates", "Issue its API and etcd certificates", _ => IssueCertificatesAsync()),
            new("member-add", "Add its etcd member as a learner", AddLearnerAsync),
            new("start", "Start its etcd member and API endpoint", StartAsync),
            new("promote", "Promote the learner once it has caught up", PromoteAsync),
            new("wait-ready", "Wait until it is a healthy voter and its API is ready", WaitReadyAsync),
            new("load-balancer", "Put it behind the cluster address", ActivateAsync),
        ];
    }

    public ReplicaRecord Replica { get; }
    public IReadOnlyList<FlowStep> Steps { get; }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var state = _session.State;
        try
        {
            await FlowRunner.RunAsync($"Add replica to {state.Name}", Steps, _session, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (Replica.Phase == ReplicaPhase.Joining)
        {
            _session.Observer.Warning($"Adding {Replica.Name} failed ({Describe(e)}); rolling back.");
            await RollBackJoinAsync(_session, Replica, CancellationToken.None).ConfigureAwait(false);
            throw;
        }
        state.Pending = null;
        _session.Save();
    }

    private Task RecordAsync()
    {
        var state = _session.State;
        state.Replicas.Add(Replica);
        state.Pending = new PendingOperation { Kind = OperationKind.AddReplica, Replica = Replica.Name, ProcessId = Environment.ProcessId, StartedAt = DateTimeOffset.UtcNow };
        _session.Save();
        return Task.CompletedTask;
    }

    private Task IssueCertificatesAsync()
    {
        _session.Pki.IssueReplica(Replica.Name, IPAddress.Parse(Replica.InternalAddress), IPAddress.Parse(_session.State.Address), DateTimeOffset.UtcNow);
        return Task.CompletedTask;
    }

    private async Task AddLearnerAsync(CancellationToken cancellationToken)
    {
        var endpoint = ClusterSession.VoterEndpoint(_health);
        var members = await _session.Etcd.ListMembersAsync(endpoint, cancellationToken).ConfigureAwait(false);
        var existing = members.FirstOrDefault(m => m.PeerUrls.Contains(Replica.PeerUrl));
        Replica.EtcdMemberId = existing?.Id ?? await AddNewLearnerAsync(endpoint, cancellationToken).ConfigureAwait(false);
        _session.Save();
    }

    /// <summary>
    /// etcd derives a new member's id from its peer URL and the current second, so re-adding a learner
    /// on the address of a member removed within the same second (a rolled-back join) draws that
    /// removed id and is refused with "member not found"; a second later the id is a new one.
    /// </summary>
    private async Task<ulong> AddNewLearnerAsync(string endpoint, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await EtcdRetry.WhileSettlingAsync(
                    () => _session.Etcd.AddLearnerAsync(endpoint, Replica.PeerUrl, cancellationToken), cancellationToken).ConfigureAwait(false);
            }
            catch (EtcdRequestException e) when (e.IsMemberNotFound && attempt < 3)
            {
                await Task.Delay(TimeSpan.FromSeconds(1.1), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task StartAsync(CancellationToken cancellationToken)
    {
        var members = await _session.Etcd.ListMembersAsync(ClusterSession.VoterEndpoint(_health), cancellationToken).ConfigureAwait(false);
        var initial = members.Where(m => m.IsStarted).Select(m => KeyValuePair.Create(m.Name, m.PeerUrls[0]))
            .Append(KeyValuePair.Create(Replica.Name, Replica.PeerUrl))
            .ToList();
        await _session.Provider.StartReplicaAsync(_session.State, Replica, new EtcdBootstrap(initial, NewCluster: false), _session.Pki.FilesFor(Replica.Name), cancellationToken).ConfigureAwait(false);
    }

    private async Task PromoteAsync(CancellationToken cancellationToken)
    {
        var endpoint = ClusterSession.VoterEndpoint(_health);
        var memberId = Replica.EtcdMemberId!.Value;
        string? lastReason = null;
        var promoted = await Waiter.UntilAsync(async () =>
        {
            try
            {
                await _session.Etcd.PromoteAsync(endpoint, memberId, cancellationToken).ConfigureAwait(false);
                return true;
            }
            catch (EtcdRequestException e)
            {
                lastReason = e.Reason;
                if (e.IsNotInSync) return false;
                var members = await _session.Etcd.ListMembersAsync(endpoint, cancellationToken).ConfigureAwait(false);
                if (members.Any(m => m.Id == memberId && !m.IsLearner)) return true;
                return false;
            }
        }, PromotionTimeout, cancellationToken, TimeSpan.FromMilliseconds(100)).ConfigureAwait(false);
        if (!promoted)
            throw new HaException(ErrorIds.PromotionTimedOut,
                $"The etcd learner of {Replica.Name} was not promoted within {PromotionTimeout.TotalSeconds:0} s (etcd said: {lastReason}). The change was rolled back.",
                $"Check the cluster with Get-EtcdMember -Cluster {_session.Name}, then run Add-MasterReplica again.", Replica.Name);
    }

    private async Task WaitReadyAsync(CancellationToken cancellationToken)
    {
        var problem = await _session.WaitReplicaReadyAsync(Replica,
            status => status.IsLearner ? "its etcd member is still a learner" : null, ReadyTimeout, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
            throw new HaException(ErrorIds.ReplicaNotReady,
                $"Replica {Replica.Name} did not become ready within {ReadyTimeout.TotalSeconds:0} s: {problem}.",
                "Look at the replica's logs, then run Add-MasterReplica again.", Replica.Name);
    }

    private async Task ActivateAsync(CancellationToken cancellationToken)
    {
        // Promoted and ready: from here on the change is finished forward, never rolled back.
        Replica.Phase = ReplicaPhase.Active;
        _session.Save();
        await _session.Provider.ReconcileFrontendAsync(_session.State, _session.Pki.ClusterCaFile, cancellationToken).ConfigureAwait(false);
        await _session.WaitServedAsync(Replica, ReadyTimeout, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Undoes a join that did not reach promotion: learner removed, replica deleted, record dropped.</summary>
    public static async Task RollBackJoinAsync(ClusterSession session, ReplicaRecord replica, CancellationToken cancellationToken)
    {
        var health = await session.InspectAsync(cancellationToken).ConfigureAwait(false);
        var endpoint = ClusterSession.VoterEndpoint(health, except: replica.Name);
        var members = await session.Etcd.ListMembersAsync(endpoint, cancellationToken).ConfigureAwait(false);
        foreach (var member in members.Where(m => m.PeerUrls.Contains(replica.PeerUrl)))
        {
            try
            {
                await session.Etcd.RemoveAsync(endpoint, member.Id, cancellationToken).ConfigureAwait(false);
            }
            catch (EtcdRequestException e) when (e.IsMemberNotFound)
            {
            }
        }
        await session.Provider.DeleteReplicaAsync(session.State, replica, cancellationToken).ConfigureAwait(false);
        session.Pki.DeleteReplica(replica.Name);
        session.State.Replicas.Remove(replica);
        session.State.Pending = null;
        session.Save();
    }

    private static string Describe(Exception e) => e is OperationCanceledException ? "stopped by the user" : e.Message;
}
