namespace HaMaster.Engine.Etcd;

/// <summary>
/// The etcd v3 operations the engine needs, each addressed to one member's client URL. The Local
/// provider reaches members directly; the Gce provider maps URLs onto an SSH tunnel.
/// </summary>
public interface IEtcdGateway : IDisposable
{
    Task<IReadOnlyList<EtcdMemberInfo>> ListMembersAsync(string endpoint, CancellationToken cancellationToken);
    Task<EtcdEndpointStatus> StatusAsync(string endpoint, CancellationToken cancellationToken);
    /// <summary>A linearizable read: succeeds only through consensus.</summary>
    Task QuorumReadAsync(string endpoint, CancellationToken cancellationToken);
    Task<ulong> AddLearnerAsync(string endpoint, string peerUrl, CancellationToken cancellationToken);
    Task PromoteAsync(string endpoint, ulong memberId, CancellationToken cancellationToken);
    Task RemoveAsync(string endpoint, ulong memberId, CancellationToken cancellationToken);
    /// <summary>Asks the leader (reached at <paramref name="leaderEndpoint"/>) to hand leadership to another voter.</summary>
    Task MoveLeaderAsync(string leaderEndpoint, ulong targetMemberId, CancellationToken cancellationToken);
    Task PutAsync(string endpoint, string key, string value, CancellationToken cancellationToken);
    Task<string?> GetAsync(string endpoint, string key, CancellationToken cancellationToken);
    /// <summary>
    /// Streams the member's whole database into <paramref name="destination"/> as etcd's v3 snapshot
    /// (ending in its own SHA-256); returns the store revision the snapshot holds at least.
    /// </summary>
    Task<long> SnapshotAsync(string endpoint, Stream destination, TimeSpan timeout, CancellationToken cancellationToken);
    /// <summary>Every alarm raised in the cluster (one list for all members).</summary>
    Task<IReadOnlyList<EtcdAlarm>> ListAlarmsAsync(string endpoint, CancellationToken cancellationToken);
    Task DisarmAlarmAsync(string endpoint, EtcdAlarm alarm, CancellationToken cancellationToken);
    /// <summary>
    /// Drops the history of every key before <paramref name="revision"/> and waits until the database
    /// has let go of it; a revision compacted already is not an error.
    /// </summary>
    Task CompactAsync(string endpoint, long revision, CancellationToken cancellationToken);
    /// <summary>Rewrites the member's database without its free pages. The member answers nothing else until it is done.</summary>
    Task DefragmentAsync(string endpoint, TimeSpan timeout, CancellationToken cancellationToken);
}
