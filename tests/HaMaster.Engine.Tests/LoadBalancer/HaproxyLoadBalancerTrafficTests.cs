using HaMaster.Local.LoadBalancer;
using HaMaster.TestSupport;
using Xunit;

namespace HaMaster.Engine.Tests.LoadBalancer;

/// <summary>Real HAProxy in front of real TLS backends: which backend gets the traffic, and why.</summary>
public sealed class HaproxyLoadBalancerTrafficTests : IAsyncLifetime
{
    private readonly LoadBalancerTestBed bed = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await bed.DisposeAsync();

    [Fact]
    public async Task TwoHealthyBackends_AreBothUp_AndBothAnswerThroughTheFrontend()
    {
        var first = bed.StartBackend("cp-1", 2);
        var second = bed.StartBackend("cp-2", 3);

        await bed.LoadBalancer.ApplyAsync(bed.Spec(first, second), CancellationToken.None);
        await bed.WaitForStatesAsync(("cp-1", BackendState.Up), ("cp-2", BackendState.Up));

        Assert.Equal(new HashSet<string> { "cp-1", "cp-2" }, await bed.AskRepeatedlyAsync(10));
        var statuses = await bed.LoadBalancer.GetBackendsAsync(bed.Directory, CancellationToken.None);
        Assert.Equal(
            [new BackendStatus("cp-1", first.Address, BackendState.Up), new BackendStatus("cp-2", second.Address, BackendState.Up)],
            statuses.OrderBy(s => s.Name));
    }

    [Fact]
    public async Task BackendThatIsNotReady_GoesDown_AndGetsNoTraffic()
    {
        var healthy = bed.StartBackend("cp-1", 2);
        var failing = bed.StartBackend("cp-2", 3);
        await bed.LoadBalancer.ApplyAsync(bed.Spec(healthy, failing), CancellationToken.None);
        await bed.WaitForStatesAsync(("cp-1", BackendState.Up), ("cp-2", BackendState.Up));

        failing.ReadyStatus = 500;

        await bed.WaitForStatesAsync(("cp-1", BackendState.Up), ("cp-2", BackendState.Down));
        Assert.Equal(new HashSet<string> { "cp-1" }, await bed.AskRepeatedlyAsync(10));

        failing.ReadyStatus = 200;
        await bed.WaitForStatesAsync(("cp-2", BackendState.Up));
    }

    [Fact]
    public async Task DrainedBackend_IsInMaintenance_AndGetsNoNewConnection()
    {
        var staying = bed.StartBackend("cp-1", 2);
        var leaving = bed.StartBackend("cp-2", 3);
        var spec = bed.Spec(staying, leaving);
        await bed.LoadBalancer.ApplyAsync(spec, CancellationToken.None);
        await bed.WaitForStatesAsync(("cp-1", BackendState.Up), ("cp-2", BackendState.Up));

        await bed.LoadBalancer.DrainAsync(spec, "cp-2", CancellationToken.None);

        var statuses = await bed.LoadBalancer.GetBackendsAsync(bed.Directory, CancellationToken.None);
        Assert.Equal(BackendState.Maintenance, Assert.Single(statuses, s => s.Name == "cp-2").State);
        Assert.Equal(new HashSet<string> { "cp-1" }, await bed.AskRepeatedlyAsync(10));
    }

    [Fact]
    public async Task ApplyingTheSameSpecAgain_PutsADrainedBackendBackInRotation()
    {
        var first = bed.StartBackend("cp-1", 2);
        var second = bed.StartBackend("cp-2", 3);
        var spec = bed.Spec(first, second);
        await bed.LoadBalancer.ApplyAsync(spec, CancellationToken.None);
        await bed.WaitForStatesAsync(("cp-1", BackendState.Up), ("cp-2", BackendState.Up));
        await bed.LoadBalancer.DrainAsync(spec, "cp-2", CancellationToken.None);

        await bed.LoadBalancer.ApplyAsync(spec, CancellationToken.None);

        await bed.WaitForStatesAsync(("cp-1", BackendState.Up), ("cp-2", BackendState.Up));
        Assert.Equal(new HashSet<string> { "cp-1", "cp-2" }, await bed.AskRepeatedlyAsync(10));
    }

    [Fact]
    public async Task DrainingAnUnknownBackend_IsRejected()
    {
        var only = bed.StartBackend("cp-1", 2);
        var spec = bed.Spec(only);
        await bed.LoadBalancer.ApplyAsync(spec, CancellationToken.None);

        await Assert.ThrowsAsync<ArgumentException>(() => bed.LoadBalancer.DrainAsync(spec, "cp-9", CancellationToken.None));
    }

    [Fact]
    public async Task BackendsWhoseCertificateDoesNotVerify_AreDown()
    {
        var genuine = bed.StartBackend("cp-1", 2);
        using var foreignCa = new TestCertificateAuthority("foreign-ca");
        var foreign = bed.StartBackend("cp-2", 3, issuer: foreignCa);
        var misnamed = bed.StartBackend("cp-3", 4, certificateName: "somebody-else");

        await bed.LoadBalancer.ApplyAsync(bed.Spec(genuine, foreign, misnamed), CancellationToken.None);

        await bed.WaitForStatesAsync(("cp-1", BackendState.Up), ("cp-2", BackendState.Down), ("cp-3", BackendState.Down));
        // The client trusts only the cluster CA, so an answer through a foreign backend would fail here.
        Assert.Equal(new HashSet<string> { "cp-1" }, await bed.AskRepeatedlyAsync(6));
    }
}
