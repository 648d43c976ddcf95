using System.Net;
using System.Net.Sockets;
using HaMaster.Local.LoadBalancer;
using Xunit;

namespace HaMaster.Engine.Tests.LoadBalancer;

/// <summary>Real HAProxy: start, reload, idempotence, rejected configurations, stop and restart.</summary>
public sealed class HaproxyLoadBalancerLifecycleTests : IAsyncLifetime
{
    private readonly LoadBalancerTestBed bed = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await bed.DisposeAsync();

    private async Task<int> ServingWorkerPidAsync()
    {
        var snapshot = await HaproxyStatsSocket.TryReadSnapshotAsync(Path.Combine(bed.Directory, "haproxy.sock"), CancellationToken.None);
        Assert.NotNull(snapshot);
        return snapshot.WorkerPid;
    }

    [Fact]
    public async Task ApplyWithOneBackendLess_ReloadsAndServesOnlyTheRemainingOne()
    {
        var staying = bed.StartBackend("cp-1", 2);
        var removed = bed.StartBackend("cp-2", 3);
        await bed.LoadBalancer.ApplyAsync(bed.Spec(staying, removed), CancellationToken.None);
        var masterPid = File.ReadAllText(Path.Combine(bed.Directory, "haproxy.pid")).Trim();
        var workerBefore = await ServingWorkerPidAsync();

        await bed.LoadBalancer.ApplyAsync(bed.Spec(staying), CancellationToken.None);

        var statuses = await bed.LoadBalancer.GetBackendsAsync(bed.Directory, CancellationToken.None);
        Assert.Equal("cp-1", Assert.Single(statuses).Name);
        Assert.Equal(masterPid, File.ReadAllText(Path.Combine(bed.Directory, "haproxy.pid")).Trim());
        Assert.NotEqual(workerBefore, await ServingWorkerPidAsync());
        await bed.WaitForStatesAsync(("cp-1", BackendState.Up));
        Assert.Equal(new HashSet<string> { "cp-1" }, await bed.AskRepeatedlyAsync(6));
    }

    [Fact]
    public async Task ServersThatStayThroughAReload_AreUpAtOnce_NotBackToAFirstCheckPending()
    {
        var first = bed.StartBackend("cp-1", 2);
        var removed = bed.StartBackend("cp-2", 3);
        var third = bed.StartBackend("cp-3", 4);
        await bed.LoadBalancer.ApplyAsync(bed.Spec(first, removed, third), CancellationToken.None);
        await bed.WaitForStatesAsync(("cp-1", BackendState.Up), ("cp-2", BackendState.Up), ("cp-3", BackendState.Up));

        await bed.LoadBalancer.ApplyAsync(bed.Spec(first, third), CancellationToken.None);

        var statuses = await bed.LoadBalancer.GetBackendsAsync(bed.Directory, CancellationToken.None);
        Assert.Equal([("cp-1", BackendState.Up), ("cp-3", BackendState.Up)], statuses.Select(s => (s.Name, s.State)).Order());
    }

    [Fact]
    public async Task AReloadPutsADrainedServerThatStaysBackInRotation()
    {
        var drained = bed.StartBackend("cp-1", 2);
        var other = bed.StartBackend("cp-2", 3);
        var spec = bed.Spec(drained, other);
        await bed.LoadBalancer.ApplyAsync(spec, CancellationToken.None);
        await bed.WaitForStatesAsync(("cp-1", BackendState.Up), ("cp-2", BackendState.Up));
        await bed.LoadBalancer.DrainAsync(spec, "cp-1", CancellationToken.None);

        await bed.LoadBalancer.ApplyAsync(bed.Spec(drained, other, bed.StartBackend("cp-3", 4)), CancellationToken.None);

        await bed.WaitForStatesAsync(("cp-1", BackendState.Up), ("cp-2", BackendState.Up), ("cp-3", BackendState.Up));
        Assert.Equal(new HashSet<string> { "cp-1", "cp-2", "cp-3" }, await bed.AskRepeatedlyAsync(12));
    }

    [Fact]
    public async Task ApplyWithAnAddedBackend_ServesIt()
    {
        var first = bed.StartBackend("cp-1", 2);
        var added = bed.StartBackend("cp-2", 3);
        await bed.LoadBalancer.ApplyAsync(bed.Spec(first), CancellationToken.None);

        await bed.LoadBalancer.ApplyAsync(bed.Spec(first, added), CancellationToken.None);

        await bed.WaitForStatesAsync(("cp-1", BackendState.Up), ("cp-2", BackendState.Up));
        Assert.Equal(new HashSet<string> { "cp-1", "cp-2" }, await bed.AskRepeatedlyAsync(10));
    }

    [Fact]
    public async Task ApplyingTheSameSpecTwice_ChangesNothing()
    {
        var spec = bed.Spec(bed.StartBackend("cp-1", 2), bed.StartBackend("cp-2", 3));
        await bed.LoadBalancer.ApplyAsync(spec, CancellationToken.None);
        var worker = await ServingWorkerPidAsync();
        var configWritten = File.GetLastWriteTimeUtc(bed.ConfigPath);

        await bed.LoadBalancer.ApplyAsync(spec, CancellationToken.None);

        Assert.Equal(worker, await ServingWorkerPidAsync());
        Assert.Equal(configWritten, File.GetLastWriteTimeUtc(bed.ConfigPath));
        await bed.WaitForStatesAsync(("cp-1", BackendState.Up), ("cp-2", BackendState.Up));
    }

    [Fact]
    public async Task ConfigurationHaproxyRejects_ThrowsItsMessage_AndChangesNothing()
    {
        var first = bed.StartBackend("cp-1", 2);
        var spec = bed.Spec(first);
        await bed.LoadBalancer.ApplyAsync(spec, CancellationToken.None);
        var config = File.ReadAllText(bed.ConfigPath);
        var worker = await ServingWorkerPidAsync();

        var broken = bed.Spec(first, bed.StartBackend("cp-2", 3)) with { CaFile = Path.Combine(bed.Directory, "missing-ca.pem") };
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => bed.LoadBalancer.ApplyAsync(broken, CancellationToken.None));

        Assert.Contains("missing-ca.pem", error.Message);
        Assert.Equal(config, File.ReadAllText(bed.ConfigPath));
        Assert.False(File.Exists(bed.ConfigPath + ".new"));
        Assert.Equal(worker, await ServingWorkerPidAsync());
        Assert.Equal("cp-1", Assert.Single(await bed.LoadBalancer.GetBackendsAsync(bed.Directory, CancellationToken.None)).Name);
    }

    [Fact]
    public async Task FrontendThatCannotBeBound_FailsStartAndReloadQuickly_AndTheRunningWorkerKeepsServing()
    {
        var backend = bed.StartBackend("cp-1", 2);
        // A listener without SO_REUSEPORT owns this address, so HAProxy's bind fails at run time
        // although `haproxy -c` accepts the configuration.
        var taken = bed.Network.Address(9).ToString();
        using var squatter = new TcpListener(IPAddress.Parse(taken), LoadBalancerTestBed.Port);
        squatter.Start();

        var startError = await Assert.ThrowsAsync<InvalidOperationException>(
            () => bed.LoadBalancer.ApplyAsync(bed.SpecFor(taken, backend), CancellationToken.None));
        Assert.Contains("cannot bind", startError.Message);
        Assert.False(bed.LoadBalancer.IsRunning(bed.Directory));

        await bed.LoadBalancer.ApplyAsync(bed.Spec(backend), CancellationToken.None);
        var worker = await ServingWorkerPidAsync();

        var reloadError = await Assert.ThrowsAsync<InvalidOperationException>(
            () => bed.LoadBalancer.ApplyAsync(bed.SpecFor(taken, backend), CancellationToken.None));
        Assert.Contains("cannot bind", reloadError.Message);
        Assert.Equal(worker, await ServingWorkerPidAsync());
        await bed.WaitForStatesAsync(("cp-1", BackendState.Up));
        Assert.Equal("cp-1", await bed.AskAsync());

        // The failed configuration is not left behind as a problem: the next apply reloads normally.
        await bed.LoadBalancer.ApplyAsync(bed.Spec(backend), CancellationToken.None);
        Assert.NotEqual(worker, await ServingWorkerPidAsync());
    }

    [Fact]
    public async Task Stop_EndsHaproxyAndFreesTheFrontend_AndStartBringsItBackFromTheSavedConfig()
    {
        var spec = bed.Spec(bed.StartBackend("cp-1", 2), bed.StartBackend("cp-2", 3));
        await bed.LoadBalancer.ApplyAsync(spec, CancellationToken.None);
        Assert.True(bed.LoadBalancer.IsRunning(bed.Directory));
        Assert.NotEmpty(bed.HaproxyProcesses());

        await bed.LoadBalancer.StopAsync(bed.Directory, CancellationToken.None);

        Assert.False(bed.LoadBalancer.IsRunning(bed.Directory));
        Assert.Empty(bed.HaproxyProcesses());
        Assert.False(await TestClient.IsListeningAsync(bed.Frontend, LoadBalancerTestBed.Port));
        Assert.False(File.Exists(Path.Combine(bed.Directory, "haproxy.pid")));
        Assert.False(File.Exists(Path.Combine(bed.Directory, "haproxy.sock")));
        Assert.True(File.Exists(bed.ConfigPath));
        await Assert.ThrowsAsync<InvalidOperationException>(() => bed.LoadBalancer.GetBackendsAsync(bed.Directory, CancellationToken.None));

        await bed.LoadBalancer.StartAsync(bed.Directory, CancellationToken.None);

        Assert.True(bed.LoadBalancer.IsRunning(bed.Directory));
        await bed.WaitForStatesAsync(("cp-1", BackendState.Up), ("cp-2", BackendState.Up));
        Assert.Equal(new HashSet<string> { "cp-1", "cp-2" }, await bed.AskRepeatedlyAsync(10));
    }

    [Fact]
    public async Task StopWhenNothingRuns_IsHarmless_EvenWithoutTheDirectory()
    {
        await bed.LoadBalancer.StopAsync(bed.Directory, CancellationToken.None);
        await bed.LoadBalancer.StopAsync(Path.Combine(bed.Directory, "never-created"), CancellationToken.None);

        Assert.False(bed.LoadBalancer.IsRunning(Path.Combine(bed.Directory, "never-created")));
    }

    [Fact]
    public async Task StartWithoutConfiguration_Throws()
    {
        await Assert.ThrowsAsync<InvalidOperationException>(() => bed.LoadBalancer.StartAsync(bed.Directory, CancellationToken.None));
        Assert.False(bed.LoadBalancer.IsRunning(bed.Directory));
    }
}
