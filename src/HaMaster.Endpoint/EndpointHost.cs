using System.Net;

namespace HaMaster.Endpoint;

/// <summary>
/// One running endpoint: the listeners plus the current <see cref="ServingState"/>, reloadable
/// from the config file while serving.
/// </summary>
public sealed class EndpointHost
{
    /// <summary>A replaced state is disposed only after connections that may still use it are over.</summary>
    private static readonly TimeSpan RetiredStateGrace = HttpsConnectionHandler.RequestDeadline + TimeSpan.FromSeconds(5);

    private readonly string configPath;
    private readonly HttpsListenerSet listeners;
    private readonly CancellationTokenSource shutdown = new();
    private volatile ServingState state;

    private EndpointHost(string configPath, ServingState initialState)
    {
        this.configPath = configPath;
        state = initialState;
        var connectionHandler = new HttpsConnectionHandler(() => state);
        listeners = new HttpsListenerSet(socket => connectionHandler.HandleAsync(socket, shutdown.Token));
    }

    public string Replica => state.Config.Replica;

    /// <exception cref="EndpointConfigException">The config or a file it names cannot be used.</exception>
    /// <exception cref="EndpointListenException">A listen address cannot be bound.</exception>
    public static EndpointHost Start(string configPath)
    {
        ServingState initialState = ServingState.Create(EndpointConfig.Load(configPath));
        var host = new EndpointHost(configPath, initialState);
        HttpsListenerSet.ApplyResult result = host.listeners.Apply(initialState.Config.Listen);
        if (result.Failed.Count > 0)
        {
            host.Stop();
            throw new EndpointListenException("cannot listen on " + DescribeFailures(result.Failed));
        }
        ConsoleLog.Info($"replica {host.Replica} started ({initialState.Config.GitVersion}, etcd {initialState.Config.Etcd.Endpoint.GetLeftPart(UriPartial.Authority)}); "
                        + $"listening on {Describe(host.listeners.Addresses)}");
        return host;
    }

    /// <summary>Re-reads the config. If it is unusable the endpoint keeps serving with the previous one.</summary>
    public void Reload()
    {
        ServingState next;
        try
        {
            next = ServingState.Create(EndpointConfig.Load(configPath));
        }
        catch (EndpointConfigException e)
        {
            ConsoleLog.Error($"reload rejected, still serving the previous config: {e.Message}");
            return;
        }

        ServingState retired = state;
        state = next;
        RetireLater(retired);

        HttpsListenerSet.ApplyResult result = listeners.Apply(next.Config.Listen);
        string changes = $"added: {Describe(result.Added)}; removed: {Describe(result.Removed)}";
        if (result.Failed.Count > 0)
            changes += $"; failed: {DescribeFailures(result.Failed)}";
        ConsoleLog.Info($"replica {next.Config.Replica} reloaded; listening on {Describe(listeners.Addresses)} ({changes})");
    }

    public void Stop()
    {
        listeners.CloseAll();
        shutdown.Cancel();
        state.Dispose();
    }

    private static void RetireLater(ServingState retired) =>
        _ = Task.Delay(RetiredStateGrace).ContinueWith(_ => retired.Dispose(), TaskScheduler.Default);

    private static string Describe(IReadOnlyList<IPEndPoint> addresses) =>
        addresses.Count == 0 ? "none" : string.Join(", ", addresses);

    private static string DescribeFailures(IReadOnlyList<(IPEndPoint Address, string Error)> failures) =>
        string.Join(", ", failures.Select(f => $"{f.Address} ({f.Error})"));
}
