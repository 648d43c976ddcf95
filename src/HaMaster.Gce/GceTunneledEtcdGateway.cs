using HaMaster.Engine.Errors;
using HaMaster.Engine.Etcd;
using HaMaster.Gce.Ssh;

namespace HaMaster.Gce;

/// <summary>
/// etcd reached through one SSH tunnel per replica (<see cref="GceAccess.External"/>): the engine names
/// a member by its client URL (<c>https://&lt;internal IP&gt;:2379</c>); the first call to it opens a
/// tunnel to that replica (<paramref name="openTunnel"/>) and every later call reuses it, until it is
/// found closed and opened again. TLS runs end to end through the tunnel with the etcd CA verified.
/// A tunnel that cannot be opened is an <see cref="EtcdRequestException"/>, as a member that does not answer.
/// Disposing closes every tunnel.
/// </summary>
public sealed class GceTunneledEtcdGateway(EtcdCredentials credentials, Func<string, CancellationToken, Task<SshTunnel>> openTunnel) : IEtcdGateway
{
    private readonly Dictionary<string, (SshTunnel Tunnel, EtcdGateway Gateway)> _routes = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _lock = new(1, 1);
    private bool _disposed;

    /// <summary>The tunnels open now, by client URL (for tests and diagnostics).</summary>
    public IReadOnlyCollection<string> OpenEndpoints
    {
        get
        {
            lock (_routes) return _routes.Keys.ToList();
        }
    }

    public async Task<IReadOnlyList<EtcdMemberInfo>> ListMembersAsync(string endpoint, CancellationToken cancellationToken) =>
        await (await RouteAsync(endpoint, cancellationToken).ConfigureAwait(false)).ListMembersAsync(endpoint, cancellationToken).ConfigureAwait(false);

    public async Task<EtcdEndpointStatus> StatusAsync(string endpoint, CancellationToken cancellationToken) =>
        await (await RouteAsync(endpoint, cancellationToken).ConfigureAwait(false)).StatusAsync(endpoint, cancellationToken).ConfigureAwait(false);

    public async Task QuorumReadAsync(string endpoint, CancellationToken cancellationToken) =>
        await (await RouteAsync(endpoint, cancellationToken).ConfigureAwait(false)).QuorumReadAsync(endpoint, cancellationToken).ConfigureAwait(false);

    public async Task<ulong> AddLearnerAsync(string endpoint, string peerUrl, CancellationToken cancellationToken) =>
        await (await RouteAsync(endpoint, cancellationToken).ConfigureAwait(false)).AddLearnerAsync(endpoint, peerUrl, cancellationToken).ConfigureAwait(false);

    public async Task PromoteAsync(string endpoint, ulong memberId, CancellationToken cancellationToken) =>
        await (await RouteAsync(endpoint, cancellationToken).ConfigureAwait(false)).PromoteAsync(endpoint, memberId, cancellationToken).ConfigureAwait(false);

    public async Task RemoveAsync(string endpoint, ulong memberId, CancellationToken cancellationToken) =>
        await (await RouteAsync(endpoint, cancellationToken).ConfigureAwait(false)).RemoveAsync(endpoint, memberId, cancellationToken).ConfigureAwait(false);

    public async Task MoveLeaderAsync(string leaderEndpoint, ulong targetMemberId, CancellationToken cancellationToken) =>
        await (await RouteAsync(leaderEndpoint, cancellationToken).ConfigureAwait(false)).MoveLeaderAsync(leaderEndpoint, targetMemberId, cancellationToken).ConfigureAwait(false);

    public async Task PutAsync(string endpoint, string key, string value, CancellationToken cancellationToken) =>
        await (await RouteAsync(endpoint, cancellationToken).ConfigureAwait(false)).PutAsync(endpoint, key, value, cancellationToken).ConfigureAwait(false);

    public async Task<string?> GetAsync(string endpoint, string key, CancellationToken cancellationToken) =>
        await (await RouteAsync(endpoint, cancellationToken).ConfigureAwait(false)).GetAsync(endpoint, key, cancellationToken).ConfigureAwait(false);

    public async Task<long> SnapshotAsync(string endpoint, Stream destination, TimeSpan timeout, CancellationToken cancellationToken) =>
        await (await RouteAsync(endpoint, cancellationToken).ConfigureAwait(false)).SnapshotAsync(endpoint, destination, timeout, cancellationToken).ConfigureAwait(false);

    public async Task<IReadOnlyList<EtcdAlarm>> ListAlarmsAsync(string endpoint, CancellationToken cancellationToken) =>
        await (await RouteAsync(endpoint, cancellationToken).ConfigureAwait(false)).ListAlarmsAsync(endpoint, cancellationToken).ConfigureAwait(false);

    public async Task DisarmAlarmAsync(string endpoint, EtcdAlarm alarm, CancellationToken cancellationToken) =>
        await (await RouteAsync(endpoint, cancellationToken).ConfigureAwait(false)).DisarmAlarmAsync(endpoint, alarm, cancellationToken).ConfigureAwait(false);

    public async Task CompactAsync(string endpoint, long revision, CancellationToken cancellationToken) =>
        await (await RouteAsync(endpoint, cancellationToken).ConfigureAwait(false)).CompactAsync(endpoint, revision, cancellationToken).ConfigureAwait(false);

    public async Task DefragmentAsync(string endpoint, TimeSpan timeout, CancellationToken cancellationToken) =>
        await (await RouteAsync(endpoint, cancellationToken).ConfigureAwait(false)).DefragmentAsync(endpoint, timeout, cancellationToken).ConfigureAwait(false);

    private async Task<EtcdGateway> RouteAsync(string endpoint, CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            lock (_routes)
            {
                if (_routes.TryGetValue(endpoint, out var route))
                {
                    if (route.Tunnel.IsOpen) return route.Gateway;
                    _routes.Remove(endpoint);
                    route.Gateway.Dispose();
                    route.Tunnel.Dispose();
                }
            }
            SshTunnel tunnel;
            try
            {
                tunnel = await openTunnel(endpoint, cancellationToken).ConfigureAwait(false);
            }
            catch (HaException e) when (e.ErrorId is ErrorIds.EtcdRequestFailed or ErrorIds.OperationTimedOut && !cancellationToken.IsCancellationRequested)
            {
                // A member behind a tunnel that cannot be opened (sshd not up yet after a boot, a host key
                // that is not the VM's) does not answer, like a member that is down: callers wait or report it.
                throw new EtcdRequestException(endpoint, "connect through SSH", e.Message, e);
            }
            var gateway = new EtcdGateway(credentials, _ => tunnel.LocalUrl());
            lock (_routes) _routes[endpoint] = (tunnel, gateway);
            return gateway;
        }
        finally
        {
            _lock.Release();
        }
    }

    public void Dispose()
    {
        lock (_routes)
        {
            _disposed = true;
            foreach (var (tunnel, gateway) in _routes.Values)
            {
                gateway.Dispose();
                tunnel.Dispose();
            }
            _routes.Clear();
        }
    }
}
