using System.Diagnostics;
using System.Net;
using HaMaster.TestSupport;
using Xunit;

namespace HaMaster.Engine.Tests.Endpoint;

/// <summary>/readyz follows the etcd member's ability to serve a quorum read; each test owns its etcd.</summary>
public sealed class EndpointReadinessTests : IAsyncLifetime, IDisposable
{
    private readonly EtcdFixture etcd = new();

    public Task InitializeAsync() => etcd.InitializeAsync();

    public Task DisposeAsync() => etcd.DisposeAsync();

    public void Dispose() => etcd.Dispose();

    private async Task<(EndpointUnderTest Endpoint, IPAddress Address)> StartEndpointAsync()
    {
        IPAddress address = LoopbackAddresses.Endpoint.Next();
        PemPair certificate = etcd.Pki.IssuePem($"endpoint-{address}", address);
        EndpointUnderTest endpoint = await EndpointUnderTest.StartAsync(
            etcd.WorkDirectory, EndpointUnderTest.ConfigFor(etcd.Etcd, certificate, address), etcd.Pki);
        return (endpoint, address);
    }

    [Fact]
    public async Task Readyz_is_500_after_etcd_is_killed_and_ok_again_after_it_restarts()
    {
        var (endpoint, address) = await StartEndpointAsync();
        using var _ = endpoint;
        string readyz = EndpointUnderTest.Url(address, "/readyz");
        await endpoint.WaitUntilReadyAsync(address);

        etcd.Etcd.Kill();
        TlsTestClient.Reply notReady = default!;
        await Eventually.HoldsAsync("/readyz reports 500", async () =>
            (notReady = await endpoint.Client.GetAsync(readyz)).Status == HttpStatusCode.InternalServerError);
        Assert.Equal("etcd: connection refused", notReady.Body);
        Assert.Equal(HttpStatusCode.OK, (await endpoint.Client.GetAsync(EndpointUnderTest.Url(address, "/healthz"))).Status);

        await etcd.Etcd.StartAsync();
        await Eventually.HoldsAsync("/readyz is ok again", async () =>
            (await endpoint.Client.GetAsync(readyz)).Status == HttpStatusCode.OK);
    }

    [Fact]
    public async Task Readyz_gives_up_after_about_a_second_when_etcd_does_not_answer()
    {
        var (endpoint, address) = await StartEndpointAsync();
        using var _ = endpoint;
        string readyz = EndpointUnderTest.Url(address, "/readyz");
        await endpoint.WaitUntilReadyAsync(address);

        etcd.Etcd.Process.Signal(ChildProcess.SIGSTOP);
        try
        {
            TlsTestClient.Reply notReady = default!;
            var clock = Stopwatch.StartNew();
            await Eventually.HoldsAsync("/readyz reports 500", async () =>
            {
                clock.Restart();
                notReady = await endpoint.Client.GetAsync(readyz);
                return notReady.Status == HttpStatusCode.InternalServerError;
            });
            Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(900), TimeSpan.FromSeconds(10));
            Assert.Equal("etcd: no linearizable read within 1s", notReady.Body);
        }
        finally
        {
            etcd.Etcd.Process.Signal(ChildProcess.SIGCONT);
        }
        await Eventually.HoldsAsync("/readyz is ok again", async () =>
            (await endpoint.Client.GetAsync(readyz)).Status == HttpStatusCode.OK);
    }
}
