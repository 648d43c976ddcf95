using System.Net;
using System.Net.Sockets;
using HaMaster.TestSupport;
using Xunit;

namespace HaMaster.Engine.Tests.Endpoint;

/// <summary>How the endpoint starts and refuses to start, as a child process and inside this process.</summary>
public sealed class EndpointStartupTests(EtcdFixture fixture) : IClassFixture<EtcdFixture>
{
    [Fact]
    public async Task Missing_config_file_exits_2_with_a_message_on_stderr()
    {
        string missing = Path.Combine(fixture.WorkDirectory, "no-such-config.json");
        using EndpointUnderTest endpoint = await EndpointUnderTest.StartWithConfigFileAsync(
            fixture.WorkDirectory, missing, fixture.Pki, waitUntilListening: false);

        int exitCode = await endpoint.Process.WaitForExitAsync(TimeSpan.FromSeconds(15));

        Assert.Equal(2, exitCode);
        Assert.Contains("config file not found", endpoint.Process.Stderr);
        Assert.DoesNotContain("listening on", endpoint.Process.Stdout);
    }

    [Fact]
    public async Task Unreadable_server_certificate_exits_2_with_a_message_on_stderr()
    {
        IPAddress address = LoopbackAddresses.Endpoint.Next();
        PemPair certificate = fixture.Pki.IssuePem($"endpoint-{address}", address);
        string garbage = Path.Combine(fixture.WorkDirectory, $"garbage-{Guid.NewGuid():N}.crt");
        File.WriteAllText(garbage, "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n");
        Dictionary<string, object?> config = EndpointUnderTest.ConfigFor(fixture.Etcd, certificate, address);
        config["certFile"] = garbage;

        using EndpointUnderTest endpoint = await EndpointUnderTest.StartAsync(
            fixture.WorkDirectory, config, fixture.Pki, waitUntilListening: false);
        int exitCode = await endpoint.Process.WaitForExitAsync(TimeSpan.FromSeconds(15));

        Assert.Equal(2, exitCode);
        Assert.Contains("cannot load certificate", endpoint.Process.Stderr);
        Assert.True(await TlsTestClient.IsRefusedAsync(EndpointUnderTest.ListenAddress(address)));
    }

    [Fact]
    public async Task Address_held_without_so_reuseport_exits_1()
    {
        IPAddress address = LoopbackAddresses.Endpoint.Next();
        using var occupant = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        occupant.Bind(EndpointUnderTest.ListenAddress(address));
        occupant.Listen(1);
        PemPair certificate = fixture.Pki.IssuePem($"endpoint-{address}", address);

        using EndpointUnderTest endpoint = await EndpointUnderTest.StartAsync(
            fixture.WorkDirectory, EndpointUnderTest.ConfigFor(fixture.Etcd, certificate, address), fixture.Pki, waitUntilListening: false);
        int exitCode = await endpoint.Process.WaitForExitAsync(TimeSpan.FromSeconds(15));

        Assert.Equal(1, exitCode);
        Assert.Contains("cannot listen on", endpoint.Process.Stderr);
    }

    [Fact]
    public void Main_called_in_a_running_process_returns_2_for_a_missing_config_instead_of_exiting()
    {
        int exitCode = global::HaMaster.Endpoint.Program.Main(["--config", Path.Combine(fixture.WorkDirectory, "absent.json")]);

        Assert.Equal(2, exitCode);
    }

    [Fact]
    public async Task Run_in_process_serves_until_stop_is_requested_and_then_returns_0()
    {
        IPAddress address = LoopbackAddresses.Endpoint.Next();
        PemPair certificate = fixture.Pki.IssuePem($"endpoint-{address}", address);
        string configFile = Path.Combine(fixture.WorkDirectory, $"in-process-{Guid.NewGuid():N}.json");
        EndpointUnderTest.WriteConfig(configFile, EndpointUnderTest.ConfigFor(fixture.Etcd, certificate, address));
        var client = TlsTestClient.Trusting(fixture.Pki.CaFile);
        using var stop = new CancellationTokenSource();
        int? exitCode = null;

        var endpointThread = new Thread(() => exitCode = global::HaMaster.Endpoint.Program.Run(["--config", configFile], stop.Token))
        {
            IsBackground = true,
            Name = "in-process endpoint",
        };
        endpointThread.Start();
        try
        {
            await Eventually.HoldsAsync("the in-process endpoint answers /readyz", async () =>
                (await client.GetAsync(EndpointUnderTest.Url(address, "/readyz"))).Status == HttpStatusCode.OK);
        }
        finally
        {
            stop.Cancel();
        }

        await Eventually.HoldsAsync("Run returns", () => !endpointThread.IsAlive);
        Assert.Equal(0, exitCode);
        Assert.True(await TlsTestClient.IsRefusedAsync(EndpointUnderTest.ListenAddress(address)));
    }
}
