using System.Collections.Concurrent;
using System.Net.Security;
using dotnet_etcd;
using Etcdserverpb;
using Grpc.Core;
using HaMaster.Engine.Certificates;

namespace HaMaster.Engine.Etcd;

/// <summary>
/// etcd v3 over gRPC with mutual TLS (dotnet-etcd), one channel per member, each request bounded by
/// <see cref="RequestTimeout"/>. Server certificates are accepted only from the cluster's etcd CA, and
/// only when they name the address connected to.
/// </summary>
public sealed class EtcdGateway : IEtcdGateway
{
    private readonly EtcdCredentials _credentials;
    private readonly Func<string, string> _mapEndpoint;
    private readonly ConcurrentDictionary<string, EtcdClient> _clients = new();

    public EtcdGateway(EtcdCredentials credentials, Func<string, string>? mapEndpoint = null)
    {
        _credentials = credentials;
        _mapEndpoint = mapEndpoint ?? (e => e);
    }

    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(3);

    private static readonly (TimeSpan Initial, TimeSpan Max) ReconnectBackoff = (TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(1));

    public Task<IReadOnlyList<EtcdMemberInfo>> ListMembersAsync(string endpoint, CancellationToken cancellationToken) =>
        CallAsync(endpoint, "member list", cancellationToken, async (client, deadline) =>
        {
            var response = await client.MemberListAsync(new MemberListRequest(), deadline: deadline, cancellationToken: cancellationToken).ConfigureAwait(false);
            return (IReadOnlyList<EtcdMemberInfo>)response.Members
                .Select(m => new EtcdMemberInfo(m.ID, m.Name, m.PeerURLs.ToList(), m.ClientURLs.ToList(), m.IsLearner))
                .ToList();
        });

    public Task<EtcdEndpointStatus> StatusAsync(string endpoint, CancellationToken cancellationToken) =>
        CallAsync(endpoint, "status", cancellationToken, async (client, deadline) =>
        {
            var s = await client.StatusAsync(new StatusRequest(), deadline: deadline, cancellationToken: cancellationToken).ConfigureAwait(false);
            return new EtcdEndpointStatus(s.Header.MemberId, s.Leader, s.RaftIndex, s.RaftTerm, s.DbSize, s.IsLearner, s.Version, s.Errors.ToList()) { Revision = s.Header.Revision, DbSizeInUse = s.DbSizeInUse };
        });

    public Task QuorumReadAsync(string endpoint, CancellationToken cancellationToken) =>
        CallAsync(endpoint, "quorum read", cancellationToken, async (client, deadline) =>
        {
            await client.GetAsync(new RangeRequest { Key = Google.Protobuf.ByteString.CopyFromUtf8("/hamaster/quorum-check"), Serializable = false },
                deadline: deadline, cancellationToken: cancellationToken).ConfigureAwait(false);
            return true;
        });

    public Task<ulong> AddLearnerAsync(string endpoint, string peerUrl, CancellationToken cancellationToken) =>
        CallAsync(endpoint, "member add (learner)", cancellationToken, async (client, deadline) =>
        {
            var request = new MemberAddRequest { IsLearner = true };
            request.PeerURLs.Add(peerUrl);
            var response = await client.MemberAddAsync(request, deadline: deadline, cancellationToken: cancellationToken).ConfigureAwait(false);
            return response.Member.ID;
        });

    public Task PromoteAsync(string endpoint, ulong memberId, CancellationToken cancellationToken) =>
        CallAsync(endpoint, "member promote", cancellationToken, async (client, deadline) =>
        {
            await client.MemberPromoteAsync(new MemberPromoteRequest { ID = memberId }, deadline: deadline, cancellationToken: cancellationToken).ConfigureAwait(false);
            return true;
        });

    public Task RemoveAsync(string endpoint, ulong memberId, CancellationToken cancellationToken) =>
        CallAsync(endpoint, "member remove", cancellationToken, async (client, deadline) =>
        {
            await client.MemberRemoveAsync(new MemberRemoveRequest { ID = memberId }, deadline: deadline, cancellationToken: cancellationToken).ConfigureAwait(false);
            return true;
        });

    public Task MoveLeaderAsync(string leaderEndpoint, ulong targetMemberId, CancellationToken cancellationToken) =>
        CallAsync(leaderEndpoint, "move leader", cancellationToken, async (client, deadline) =>
        {
            await client.MoveLeaderAsync(new MoveLeaderRequest { TargetID = targetMemberId }, deadline: deadline, cancellationToken: cancellationToken).ConfigureAwait(false);
            return true;
        });

    public Task PutAsync(string endpoint, string key, string value, CancellationToken cancellationToken) =>
        CallAsync(endpoint, "put", cancellationToken, async (client, deadline) =>
        {
            await client.PutAsync(key, value, deadline: deadline, cancellationToken: cancellationToken).ConfigureAwait(false);
            return true;
        });

    public Task<string?> GetAsync(string endpoint, string key, CancellationToken cancellationToken) =>
        CallAsync(endpoint, "get", cancellationToken, async (client, deadline) =>
        {
            var response = await client.GetAsync(key, deadline: deadline, cancellationToken: cancellationToken).ConfigureAwait(false);
            return response.Kvs.Count == 0 ? null : response.Kvs[0].Value.ToStringUtf8();
        });

    public async Task<long> SnapshotAsync(string endpoint, Stream destination, TimeSpan timeout, CancellationToken cancellationToken)
    {
        // The revision is read first: the snapshot, taken after, holds at least that much.
        var revision = await CallAsync(endpoint, "revision", cancellationToken, async (client, deadline) =>
        {
            var response = await client.GetAsync(new RangeRequest { Key = Google.Protobuf.ByteString.CopyFromUtf8("/hamaster/quorum-check"), Serializable = true, CountOnly = true },
                deadline: deadline, cancellationToken: cancellationToken).ConfigureAwait(false);
            return response.Header.Revision;
        }).ConfigureAwait(false);
        var client = _clients.GetOrAdd(endpoint, Connect);
        try
        {
            await client.Snapshot(new SnapshotRequest(), chunk =>
            {
                if (chunk.Header is { Revision: > 0 } header) revision = Math.Max(revision, header.Revision);
                chunk.Blob.WriteTo(destination);
            }, cancellationToken, deadline: DateTime.UtcNow + timeout).ConfigureAwait(false);
        }
        catch (RpcException e) when (e.StatusCode != StatusCode.Cancelled || !cancellationToken.IsCancellationRequested)
        {
            var reason = e.StatusCode == StatusCode.DeadlineExceeded ? $"not complete within {timeout.TotalSeconds:0.#} s" : e.Status.Detail;
            throw new EtcdRequestException(endpoint, "snapshot", reason, e);
        }
        return revision;
    }

    public Task<IReadOnlyList<EtcdAlarm>> ListAlarmsAsync(string endpoint, CancellationToken cancellationToken) =>
        CallAsync(endpoint, "alarm list", cancellationToken, async (client, deadline) =>
        {
            var response = await client.AlarmAsync(new AlarmRequest { Action = AlarmRequest.Types.AlarmAction.Get }, deadline: deadline, cancellationToken: cancellationToken).ConfigureAwait(false);
            return (IReadOnlyList<EtcdAlarm>)response.Alarms.Select(a => new EtcdAlarm(a.MemberID, a.Alarm.ToString().ToUpperInvariant())).ToList();
        });

    public Task DisarmAlarmAsync(string endpoint, EtcdAlarm alarm, CancellationToken cancellationToken) =>
        CallAsync(endpoint, "alarm disarm", cancellationToken, async (client, deadline) =>
        {
            var request = new AlarmRequest { Action = AlarmRequest.Types.AlarmAction.Deactivate, MemberID = alarm.MemberId, Alarm = Enum.Parse<AlarmType>(alarm.Type, ignoreCase: true) };
            await client.AlarmAsync(request, deadline: deadline, cancellationToken: cancellationToken).ConfigureAwait(false);
            return true;
        });

    public Task CompactAsync(string endpoint, long revision, CancellationToken cancellationToken) =>
        CallAsync(endpoint, "compact", cancellationToken, async (client, deadline) =>
        {
            try
            {
                await client.CompactAsync(new CompactionRequest { Revision = revision, Physical = true }, deadline: deadline, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch (RpcException e) when (e.Status.Detail.Contains("required revision has been compacted", StringComparison.Ordinal))
            {
            }
            return true;
        }, CompactTimeout);

    public Task DefragmentAsync(string endpoint, TimeSpan timeout, CancellationToken cancellationToken) =>
        CallAsync(endpoint, "defragment", cancellationToken, async (client, deadline) =>
        {
            await client.DefragmentAsync(new DefragmentRequest(), deadline: deadline, cancellationToken: cancellationToken).ConfigureAwait(false);
            return true;
        }, timeout);

    /// <summary>A physical compaction waits until the database has dropped the old revisions: longer than a plain request.</summary>
    private static readonly TimeSpan CompactTimeout = TimeSpan.FromMinutes(2);

    private async Task<T> CallAsync<T>(string endpoint, string operation, CancellationToken cancellationToken, Func<EtcdClient, DateTime, Task<T>> call, TimeSpan? timeout = null)
    {
        var client = _clients.GetOrAdd(endpoint, Connect);
        var patience = timeout ?? RequestTimeout;
        try
        {
            return await call(client, DateTime.UtcNow + patience).ConfigureAwait(false);
        }
        catch (RpcException e) when (e.StatusCode != StatusCode.Cancelled)
        {
            var reason = e.StatusCode == StatusCode.DeadlineExceeded ? $"no answer within {patience.TotalSeconds:0.#} s" : e.Status.Detail;
            throw new EtcdRequestException(endpoint, operation, reason, e);
        }
        catch (Exception e) when (e is RpcException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            // gRPC reports some connection timeouts as a bare cancellation: that is "no answer", not a user's Ctrl+C.
            throw new EtcdRequestException(endpoint, operation, $"no answer within {patience.TotalSeconds:0.#} s", e);
        }
    }

    private EtcdClient Connect(string endpoint)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = RequestTimeout,
            SslOptions = new SslClientAuthenticationOptions
            {
                ClientCertificates = new System.Security.Cryptography.X509Certificates.X509CertificateCollection { _credentials.ClientCertificate },
                RemoteCertificateValidationCallback = TrustValidation.CallbackTrustingForTargetHost(_credentials.TrustedCa),
            },
        };
        return new EtcdClient(_mapEndpoint(endpoint), configureChannelOptions: options =>
        {
            options.Credentials = ChannelCredentials.SecureSsl;
            options.HttpHandler = handler;
            // A member restarted by a flow must be seen as soon as it listens: with gRPC's default
            // back-off (1 s, growing to 2 min) a call fails at once until the next attempt is due.
            options.InitialReconnectBackoff = ReconnectBackoff.Initial;
            options.MaxReconnectBackoff = ReconnectBackoff.Max;
        });
    }

    public void Dispose()
    {
        foreach (var client in _clients.Values) client.Dispose();
        _clients.Clear();
    }
}
