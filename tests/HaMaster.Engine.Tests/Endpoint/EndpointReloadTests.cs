using System.Net;
using HaMaster.TestSupport;
using Xunit;

namespace HaMaster.Engine.Tests.Endpoint;

/// <summary>SIGHUP re-reads the config and reconciles the listeners while serving continues.</summary>
public sealed class EndpointReloadTests(EtcdFixture fixture) : IClassFixture<EtcdFixture>
{
    [Fact]
    public async Task Sighup_opens_added_addresses_and_closes_removed_ones_without_interrupting_the_rest()
    {
        IPAddress first = LoopbackAddresses.Endpoint.Next();
        IPAddress second = LoopbackAddresses.Endpoint.Next();
        PemPair certificate = fixture.Pki.IssuePem($"endpoint-{first}", first, second);
        using EndpointUnderTest endpoint = await EndpointUnderTest.StartAsync(
            fixture.WorkDirectory, EndpointUnderTest.ConfigFor(fixture.Etcd, certificate, first), fixture.Pki);
        Assert.True(await TlsTestClient.IsRefusedAsync(EndpointUnderTest.ListenAddress(second)));

        using var stopProbing = new CancellationTokenSource();
        Task<List<string>> probing = ProbeContinuouslyAsync(endpoint.Client, EndpointUnderTest.Url(first, "/healthz"), stopProbing.Token);

        EndpointUnderTest.WriteConfig(endpoint.ConfigFile, EndpointUnderTest.ConfigFor(fixture.Etcd, certificate, first, second));
        endpoint.Process.Signal(ChildProcess.SIGHUP);
        await Eventually.HoldsAsync("the added address answers /healthz", async () =>
            (await endpoint.Client.GetAsync(EndpointUnderTest.Url(second, "/healthz"))).Status == HttpStatusCode.OK);

        EndpointUnderTest.WriteConfig(endpoint.ConfigFile, EndpointUnderTest.ConfigFor(fixture.Etcd, certificate, first));
        endpoint.Process.Signal(ChildProcess.SIGHUP);
        await Eventually.HoldsAsync("the removed address refuses connections", () =>
            TlsTestClient.IsRefusedAsync(EndpointUnderTest.ListenAddress(second)));

        stopProbing.Cancel();
        List<string> failures = await probing;
        Assert.Empty(failures);
        Assert.False(endpoint.Process.HasExited);
        Assert.Equal(2, CountOccurrences(endpoint.Process.Stdout, "reloaded; listening on"));
        await endpoint.WaitUntilReadyAsync(first);
    }

    [Fact]
    public async Task Sighup_reloads_an_endpoint_started_under_nohup()
    {
        IPAddress first = LoopbackAddresses.Endpoint.Next();
        IPAddress second = LoopbackAddresses.Endpoint.Next();
        PemPair certificate = fixture.Pki.IssuePem($"endpoint-{first}", first, second);
        using EndpointUnderTest endpoint = await EndpointUnderTest.StartAsync(
            fixture.WorkDirectory, EndpointUnderTest.ConfigFor(fixture.Etcd, certificate, first), fixture.Pki, underNohup: true);

        EndpointUnderTest.WriteConfig(endpoint.ConfigFile, EndpointUnderTest.ConfigFor(fixture.Etcd, certificate, first, second));
        endpoint.Process.Signal(ChildProcess.SIGHUP);

        await Eventually.HoldsAsync("the added address answers /healthz", async () =>
            !await TlsTestClient.IsRefusedAsync(EndpointUnderTest.ListenAddress(second)) &&
            (await endpoint.Client.GetAsync(EndpointUnderTest.Url(second, "/healthz"))).Status == HttpStatusCode.OK);
        Assert.False(endpoint.Process.HasExited);
    }

    [Fact]
    public async Task Sighup_with_a_broken_config_keeps_serving_the_previous_one()
    {
        IPAddress address = LoopbackAddresses.Endpoint.Next();
        PemPair certificate = fixture.Pki.IssuePem($"endpoint-{address}", address);
        using EndpointUnderTest endpoint = await EndpointUnderTest.StartAsync(
            fixture.WorkDirectory, EndpointUnderTest.ConfigFor(fixture.Etcd, certificate, address), fixture.Pki);

        File.WriteAllText(endpoint.ConfigFile, "{ \"replica\": ");
        endpoint.Process.Signal(ChildProcess.SIGHUP);
        await Eventually.HoldsAsync("the endpoint reports the rejected reload", () =>
            endpoint.Process.Stderr.Contains("reload rejected"));

        Assert.False(endpoint.Process.HasExited);
        Assert.Equal(HttpStatusCode.OK, (await endpoint.Client.GetAsync(EndpointUnderTest.Url(address, "/healthz"))).Status);
    }

    /// <summary>Bounded request loop; returns a description of every request that failed.</summary>
    private static async Task<List<string>> ProbeContinuouslyAsync(TlsTestClient client, string url, CancellationToken stop)
    {
        var failures = new List<string>();
        DateTime giveUpAt = DateTime.UtcNow.AddSeconds(60);
        while (!stop.IsCancellationRequested && DateTime.UtcNow < giveUpAt)
        {
            try
            {
                TlsTestClient.Reply reply = await client.GetAsync(url);
                if (reply.Status != HttpStatusCode.OK)
                    failures.Add($"HTTP {(int)reply.Status}");
            }
            catch (HttpRequestException e)
            {
                failures.Add(e.Message);
            }
            await Task.Delay(20, CancellationToken.None);
        }
        return failures;
    }

    private static int CountOccurrences(string text, string fragment) =>
        (text.Length - text.Replace(fragment, "").Length) / fragment.Length;
}
