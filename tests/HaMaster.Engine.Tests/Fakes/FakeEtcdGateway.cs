using HaMaster.Engine.Etcd;

namespace HaMaster.Engine.Tests.Fakes;

/// <summary>etcd's v3 API over a <see cref="FakeWorld"/>, refusing what etcd refuses in its own words.</summary>
public sealed class FakeEtcdGateway(FakeWorld world) : IEtcdGateway
{
    public Task<IReadOnlyList<EtcdMemberInfo>> ListMembersAsync(string endpoint, CancellationToken cancellationToken)
    {
        Answering(endpoint, "member list");
        return Task.FromResult<IReadOnlyList<EtcdMemberInfo>>(world.Members.Select(m => m.ToInfo()).ToList());
    }

    public Task<EtcdEndpointStatus> StatusAsync(string endpoint, CancellationToken cancellationToken)
    {
        var member = Answering(endpoint, "status");
        if (world.MachineAt(FakeWorld.Host(member.PeerUrl)) is { Silent: true }) throw Refused(endpoint, "status", "no answer within 3 s");
        if (world.UnansweredStatusRequests > 0)
        {
            world.UnansweredStatusRequests--;
            throw Refused(endpoint, "status", "no answer within 3 s");
        }
        var errors = world.Alarms.Select(a => $"memberID:{a.MemberId} alarm:{a.Type} ").ToList();
        return Task.FromResult(new EtcdEndpointStatus(member.Id, world.LeaderId, 10, 2, member.DbSize, member.IsLearner, "3.4.23", errors)
        {
            Revision = world.Keys.Count + 1,
            DbSizeInUse = member.DbSizeInUse,
        });
    }

    public Task QuorumReadAsync(string endpoint, CancellationToken cancellationToken)
    {
        WithQuorum(endpoint, "quorum read");
        return Task.CompletedTask;
    }

    public Task<ulong> AddLearnerAsync(string endpoint, string peerUrl, CancellationToken cancellationToken)
    {
        world.Record($"member-add {peerUrl}");
        WithQuorum(endpoint, "member add (learner)");
        RequireEveryVoterRunning(endpoint, "member add (learner)");
        if (world.Members.Any(m => m.PeerUrl == peerUrl)) throw Refused(endpoint, "member add (learner)", "etcdserver: Peer URLs already exists");
        if (world.Members.Any(m => m.IsLearner)) throw Refused(endpoint, "member add (learner)", "etcdserver: too many learner members in cluster");
        var member = new FakeMember(world.NewMemberId(), peerUrl) { IsLearner = true };
        world.Members.Add(member);
        return Task.FromResult(member.Id);
    }

    public Task PromoteAsync(string endpoint, ulong memberId, CancellationToken cancellationToken)
    {
        world.Record($"member-promote {memberId:x}");
        WithQuorum(endpoint, "member promote");
        var member = world.Members.FirstOrDefault(m => m.Id == memberId) ?? throw Refused(endpoint, "member promote", "etcdserver: member not found");
        if (!member.IsLearner) throw Refused(endpoint, "member promote", "etcdserver: can only promote a learner member");
        if (!world.IsRunning(member) || member.Name.Length == 0)
            throw Refused(endpoint, "member promote", "etcdserver: can only promote a learner member which is in sync with leader");
        member.IsLearner = false;
        return Task.CompletedTask;
    }

    public Task RemoveAsync(string endpoint, ulong memberId, CancellationToken cancellationToken)
    {
        world.Record($"member-remove {memberId:x}");
        WithQuorum(endpoint, "member remove");
        var member = world.Members.FirstOrDefault(m => m.Id == memberId) ?? throw Refused(endpoint, "member remove", "etcdserver: member not found");
        world.Members.Remove(member);
        return Task.CompletedTask;
    }

    public Task MoveLeaderAsync(string leaderEndpoint, ulong targetMemberId, CancellationToken cancellationToken)
    {
        world.Record($"move-leader {targetMemberId:x}");
        WithQuorum(leaderEndpoint, "move leader");
        world.PreferredLeader = targetMemberId;
        return Task.CompletedTask;
    }

    public Task PutAsync(string endpoint, string key, string value, CancellationToken cancellationToken)
    {
        WithQuorum(endpoint, "put");
        world.Keys[key] = value;
        return Task.CompletedTask;
    }

    public Task<string?> GetAsync(string endpoint, string key, CancellationToken cancellationToken)
    {
        WithQuorum(endpoint, "get");
        return Task.FromResult(world.Keys.GetValueOrDefault(key));
    }

    /// <summary>A real snapshot's shape: the keys as JSON, padded to whole 512-byte blocks, then their SHA-256.</summary>
    public Task<long> SnapshotAsync(string endpoint, Stream destination, TimeSpan timeout, CancellationToken cancellationToken)
    {
        world.Record($"snapshot {FakeWorld.Host(endpoint)}");
        Answering(endpoint, "snapshot");
        if (world.SnapshotFailure is { } reason) throw Refused(endpoint, "snapshot", reason);
        var keys = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(world.Keys);
        var database = new byte[(keys.Length / 512 + 1) * 512];
        keys.CopyTo(database, 0);
        destination.Write(database);
        destination.Write(System.Security.Cryptography.SHA256.HashData(database));
        return Task.FromResult((long)world.Keys.Count + 1);
    }

    public Task<IReadOnlyList<EtcdAlarm>> ListAlarmsAsync(string endpoint, CancellationToken cancellationToken)
    {
        Answering(endpoint, "alarm list");
        return Task.FromResult<IReadOnlyList<EtcdAlarm>>(world.Alarms.ToList());
    }

    public Task DisarmAlarmAsync(string endpoint, EtcdAlarm alarm, CancellationToken cancellationToken)
    {
        world.Record($"alarm-disarm {alarm.Type} {alarm.MemberId:x}");
        WithQuorum(endpoint, "alarm disarm");
        world.Alarms.Remove(alarm);
        return Task.CompletedTask;
    }

    public Task CompactAsync(string endpoint, long revision, CancellationToken cancellationToken)
    {
        world.Record($"compact {revision}");
        WithQuorum(endpoint, "compact");
        return Task.CompletedTask;
    }

    /// <summary>Records whether the member was behind the cluster address while it blocked.</summary>
    public Task DefragmentAsync(string endpoint, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var member = Answering(endpoint, "defragment");
        var leader = member.Id == world.LeaderId ? " leader" : "";
        world.Record($"defragment {member.Name}{(world.Frontend.Contains(member.Name) ? " served" : "")}{leader}");
        member.DbSize = member.DbSizeInUse;
        return Task.CompletedTask;
    }

    private FakeMember Answering(string endpoint, string operation)
    {
        var host = FakeWorld.Host(endpoint);
        var member = world.Members.FirstOrDefault(m => FakeWorld.Host(m.PeerUrl) == host);
        if (member is null || !world.IsRunning(member) || member.Name.Length == 0) throw Refused(endpoint, operation, "no answer within 3 s");
        return member;
    }

    private void WithQuorum(string endpoint, string operation)
    {
        var member = Answering(endpoint, operation);
        if (!world.HasQuorum) throw Refused(endpoint, operation, "no answer within 3 s");
        if (member.IsLearner) throw Refused(endpoint, operation, "etcdserver: rpc not supported for learner");
    }

    private void RequireEveryVoterRunning(string endpoint, string operation)
    {
        if (!world.Voters.All(world.IsRunning)) throw Refused(endpoint, operation, "etcdserver: unhealthy cluster");
    }

    private static EtcdRequestException Refused(string endpoint, string operation, string reason) => new(endpoint, operation, reason);

    public void Dispose()
    {
    }
}
