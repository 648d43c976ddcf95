namespace HaMaster.Engine.Etcd;

/// <summary>
/// etcd refuses membership changes with "unhealthy cluster" until its leader has been connected to
/// every voter for 5 s (--strict-reconfig-check), which is always the case right after a member
/// was added or restarted. The engine's own health gate has already passed, so such an answer is
/// retried for a while rather than failing the change.
/// </summary>
public static class EtcdRetry
{
    public static TimeSpan SettleTimeout { get; set; } = TimeSpan.FromSeconds(20);

    public static async Task<T> WhileSettlingAsync<T>(Func<Task<T>> change, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + SettleTimeout;
        while (true)
        {
            try
            {
                return await change().ConfigureAwait(false);
            }
            catch (EtcdRequestException e) when (e.IsUnhealthyCluster && DateTime.UtcNow < deadline)
            {
                await Task.Delay(200, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
