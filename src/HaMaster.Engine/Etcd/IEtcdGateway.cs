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
}
