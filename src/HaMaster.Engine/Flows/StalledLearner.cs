using HaMaster.Engine.Etcd;
using HaMaster.Engine.Model;

namespace HaMaster.Engine.Flows;

/// <summary>
/// A new etcd member serves its clients only once its "publish" (its name and client URL) has been
/// applied. A learner that is sent a raft snapshot instead of log entries (a restored cluster, or one
/// whose log etcd has compacted) can have that publish arrive inside the snapshot; it then waits out
/// etcd's request timeout (7 s) before publishing again (etcd issues 8608, 15929). The sign: the
/// leader lists the learner as started, yet it does not answer. Its promotion is held while that
/// lasts, and where the provider restarts a replica in seconds the learner is restarted once: a
/// learner has no vote, so its restart costs the cluster nothing, and it publishes again at once
/// (docs/design.md §3, rule 2).
/// </summary>
internal sealed class StalledLearner(ClusterSession session, ReplicaRecord learner, string voterEndpoint)
{
    private static readonly TimeSpan AnswerWithin = TimeSpan.FromMilliseconds(300);
    private DateTime? _silentSince;
    private bool _settled;

    /// <summary>
    /// Whether the promotion should wait: the learner is stalled, and restarted once it has been long
    /// enough. Once it has answered or been restarted, it is not looked at again (a publish, once
    /// applied, stays applied).
    /// </summary>
    public async Task<bool> HoldsPromotionAsync(CancellationToken cancellationToken)
    {
        if (_settled || !session.Provider.RestartsInSeconds) return false;
        var members = await session.Etcd.ListMembersAsync(voterEndpoint, cancellationToken).ConfigureAwait(false);
        if (!members.Any(m => m.Id == learner.EtcdMemberId && m.IsStarted))
        {
            _silentSince = null;
            return false;
        }
        if (await AnswersAsync(cancellationToken).ConfigureAwait(false))
        {
            _settled = true;
            return false;
        }
        _silentSince ??= DateTime.UtcNow;
        if (DateTime.UtcNow - _silentSince < session.Options.PublishPatience) return true;
        session.Observer.Verbose($"The etcd learner of {learner.Name} is listed as started but does not answer (its publish was lost in a raft snapshot): restarting it.");
        _settled = true;
        await session.RestartReplicaAsync(learner, StartReplicaFlow.ExistingClusterBootstrap(session.State), cancellationToken).ConfigureAwait(false);
        return true;
    }

    private async Task<bool> AnswersAsync(CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(AnswerWithin);
        try
        {
            await session.Etcd.StatusAsync(learner.ClientUrl, deadline.Token).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is EtcdRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }
}
