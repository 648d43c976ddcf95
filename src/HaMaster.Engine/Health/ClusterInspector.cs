using HaMaster.Engine.Etcd;
using HaMaster.Engine.Model;
using HaMaster.Engine.Providers;

namespace HaMaster.Engine.Health;

/// <summary>
/// Takes a health snapshot: every replica's machinery, etcd status and API readiness are asked in
/// parallel, so the snapshot costs about one round trip however many replicas there are.
/// </summary>
public sealed class ClusterInspector
{
    private readonly IReplicaProvider _provider;
    private readonly IEtcdGateway _etcd;
    private readonly IApiProbe _api;

    public ClusterInspector(IReplicaProvider provider, IEtcdGateway etcd, IApiProbe api)
    {
        _provider = provider;
        _etcd = etcd;
        _api = api;
    }

    public async Task<ClusterHealth> InspectAsync(ClusterState state, CancellationToken cancellationToken)
    {
        var runtimeTasks = state.Replicas.ToDictionary(r => r.Name, r => _provider.InspectAsync(state, r, cancellationToken));
        await Task.WhenAll(runtimeTasks.Values).ConfigureAwait(false);
        var runtimes = runtimeTasks.ToDictionary(t => t.Key, t => t.Value.Result);
        var statusTasks = state.Replicas.ToDictionary(r => r.Name, r => TryStatusAsync(r, runtimes[r.Name], cancellationToken));
        var apiTasks = state.Replicas.ToDictionary(r => r.Name, r => runtimes[r.Name].ApiMayAnswer
            ? runtimes[r.Name].ReadyProblemAsync(_api, r, state.ApiPort, cancellationToken)
            : Task.FromResult<string?>("API endpoint is not running"));
        var loadBalancerTask = _provider.InspectLoadBalancerAsync(state, cancellationToken);

        await Task.WhenAll(statusTasks.Values.Cast<Task>().Concat(apiTasks.Values).Append(loadBalancerTask)).ConfigureAwait(false);

        var answering = state.Replicas.Where(r => statusTasks[r.Name].Result.Status is { IsLearner: false }).ToList();
        var leaderId = answering.Select(r => statusTasks[r.Name].Result.Status!.LeaderId).FirstOrDefault(id => id != 0);
        IReadOnlyList<EtcdMemberInfo>? members = null;
        var quorumRead = false;
        foreach (var voter in answering)
        {
            try
            {
                members = await _etcd.ListMembersAsync(voter.ClientUrl, cancellationToken).ConfigureAwait(false);
                // Without a leader no member can serve a quorum read: asking would only wait out its timeout.
                if (leaderId == 0) break;
                await _etcd.QuorumReadAsync(voter.ClientUrl, cancellationToken).ConfigureAwait(false);
                quorumRead = true;
                break;
            }
            catch (EtcdRequestException)
            {
            }
        }
        var alarms = await AlarmsAsync(answering.Select(r => statusTasks[r.Name].Result.Status!).ToList(), answering, cancellationToken).ConfigureAwait(false);

        var clusterWide = leaderId == 0 || !quorumRead;
        var replicas = state.Replicas.Select(r => Assess(state, r, runtimes[r.Name], statusTasks[r.Name].Result, apiTasks[r.Name].Result, members, leaderId, clusterWide, alarms)).ToList();
        return new ClusterHealth(state, replicas, members, leaderId == 0 ? null : leaderId, quorumRead, loadBalancerTask.Result) { Alarms = alarms };
    }

    /// <summary>
    /// etcd's alarms, asked for only when a member's status lists one among its errors: a healthy
    /// cluster costs no extra round trip.
    /// </summary>
    private async Task<IReadOnlyList<EtcdAlarm>> AlarmsAsync(IReadOnlyList<EtcdEndpointStatus> statuses, IReadOnlyList<ReplicaRecord> answering, CancellationToken cancellationToken)
    {
        if (!statuses.Any(s => s.Errors.Any(e => e.Contains("alarm:", StringComparison.Ordinal)))) return [];
        foreach (var voter in answering)
        {
            try
            {
                return await _etcd.ListAlarmsAsync(voter.ClientUrl, cancellationToken).ConfigureAwait(false);
            }
            catch (EtcdRequestException)
            {
            }
        }
        return [];
    }

    private async Task<(EtcdEndpointStatus? Status, string? Problem)> TryStatusAsync(ReplicaRecord replica, ReplicaRuntime runtime, CancellationToken cancellationToken)
    {
        if (!runtime.EtcdMayAnswer) return (null, null);
        try
        {
            return (await _etcd.StatusAsync(replica.ClientUrl, cancellationToken).ConfigureAwait(false), null);
        }
        catch (EtcdRequestException e)
        {
            return (null, e.Reason);
        }
    }

    /// <summary>
    /// A replica's problems are its own faults only. A condition of the whole cluster (no leader, an
    /// election under way, a lost quorum) shows on every member at once, so it is the cluster's
    /// problem (<see cref="ClusterHealth.Problems"/>): otherwise <c>Where Unhealthy | Replace-MasterReplica</c>
    /// run just after the leader's replica crashed would replace its healthy peers too.
    /// </summary>
    /// <param name="clusterWide">etcd has no leader or no quorum read succeeded: an API server that answers
    /// "not ready" says so for the cluster, not for itself.</param>
    /// <param name="alarms">etcd's alarms: a member's CORRUPT is its replica's own fault (replacing it fixes it);
    /// NOSPACE stops writes on the whole cluster and is the cluster's problem.</param>
    private static ReplicaHealth Assess(ClusterState state, ReplicaRecord replica, ReplicaRuntime runtime, (EtcdEndpointStatus? Status, string? Problem) etcd,
        string? apiProblem, IReadOnlyList<EtcdMemberInfo>? members, ulong leaderId, bool clusterWide, IReadOnlyList<EtcdAlarm> alarms)
    {
        var problems = new List<string>(runtime.Problems);
        var member = members?.FirstOrDefault(m => m.PeerUrls.Contains(replica.PeerUrl));
        var memberId = member?.Id ?? etcd.Status?.MemberId ?? replica.EtcdMemberId;

        EtcdRole role;
        if (etcd.Status is null)
        {
            role = EtcdRole.Unreachable;
            if (etcd.Problem is not null) problems.Add($"etcd member does not answer: {etcd.Problem}");
        }
        else if (members is not null && member is null)
        {
            role = EtcdRole.NotMember;
            problems.Add("not an etcd member");
        }
        else if (etcd.Status.IsLearner || member?.IsLearner == true)
        {
            role = EtcdRole.Learner;
            problems.Add("etcd member is a learner, not yet promoted");
        }
        else
        {
            role = etcd.Status.MemberId == leaderId ? EtcdRole.Leader : EtcdRole.Follower;
        }

        if (memberId is { } id && alarms.Any(a => a.MemberId == id && a.Type == EtcdAlarm.Corrupt))
            problems.Add(AlarmAdvice.Corrupt(state.Name, replica.Name));

        // A component the provider saw down is already among its problems.
        var ownApiProblem = apiProblem is not null && !(clusterWide && apiProblem.StartsWith(ApiProbe.AnsweredNotReady, StringComparison.Ordinal));
        if (ownApiProblem && runtime.ApiMayAnswer)
            problems.Add($"API endpoint: {apiProblem}");

        var status = replica.Phase switch
        {
            ReplicaPhase.Joining => ReplicaStatus.Joining,
            ReplicaPhase.Removing => ReplicaStatus.Removing,
            _ => runtime.Status,
        };
        // A dead voter is still a voter: it counts against the quorum until it is removed.
        var isVoter = member is not null ? !member.IsLearner : replica.Phase == ReplicaPhase.Active && role != EtcdRole.Learner;
        return new ReplicaHealth(replica, status, role, memberId, etcd.Status, apiProblem is null, isVoter, problems);
    }
}
