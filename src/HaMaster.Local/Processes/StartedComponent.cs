using HaMaster.Engine;

namespace HaMaster.Local.Processes;

/// <summary>
/// A component process (etcd member, API endpoint) as a start follows it: found by the marker on its
/// command line and, when this start launched it, by its process id too. While it replaces itself
/// with the program (setsid, then exec) its command line reads empty and a look for its marker
/// misses it, which on a loaded machine was taken for a failed start.
/// </summary>
internal sealed class StartedComponent
{
    private readonly string _marker;
    private readonly int? _startedPid;

    private StartedComponent(string marker, int? startedPid)
    {
        _marker = marker;
        _startedPid = startedPid;
    }

    /// <summary>The component already running under <paramref name="marker"/>, else the one <paramref name="start"/> launches (returning its process id).</summary>
    public static StartedComponent RunningOrStart(string marker, Func<int> start) =>
        DetachedProcess.FindByMarker(marker).Count > 0 ? new(marker, null) : new(marker, start());

    public IReadOnlyList<int> Pids()
    {
        var pids = DetachedProcess.FindByMarker(_marker).ToList();
        if (_startedPid is { } pid && !pids.Contains(pid) && DetachedProcess.IsAlive(pid)) pids.Add(pid);
        return pids;
    }

    public bool IsRunning() => Pids().Count > 0;

    /// <summary>
    /// Waits until this component itself listens on <paramref name="address"/>:<paramref name="port"/>;
    /// false when it exits first or the time is up. A connect is not proof: a program already holding
    /// the port answers it while the component exits at once with "address already in use".
    /// </summary>
    public async Task<bool> WaitListeningAsync(string address, int port, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var listening = false;
        await Waiter.UntilAsync(() =>
        {
            var pids = Pids();
            listening = ListeningSockets.InodeOf(address, port) is { } socket && ListeningSockets.HeldBy(socket, pids);
            return Task.FromResult(listening || pids.Count == 0);
        }, timeout, cancellationToken).ConfigureAwait(false);
        return listening;
    }
}
