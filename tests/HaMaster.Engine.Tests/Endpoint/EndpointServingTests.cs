using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text.Json;
using HaMaster.TestSupport;
using Xunit;

namespace HaMaster.Engine.Tests.Endpoint;

/// <summary>The endpoint as a child process serving HTTPS next to a healthy etcd member.</summary>
public sealed class EndpointServingTests(EtcdFixture fixture) : IClassFixture<EtcdFixture>
{
    private async Task<(EndpointUnderTest Endpoint, IPAddress Address)> StartEndpointAsync(
        Action<Dictionary<string, object?>>? adjustConfig = null)
    {
        IPAddress address = LoopbackAddresses.Endpoint.Next();
        PemPair certificate = fixture.Pki.IssuePem($"endpoint-{address}", address);
        Dictionary<string, object?> config = EndpointUnderTest.ConfigFor(fixture.Etcd, certificate, address);
        adjustConfig?.Invoke(config);
        return (await EndpointUnderTest.StartAsync(fixture.WorkDirectory, config, fixture.Pki), address);
    }

    [Theory]
    [InlineData("/healthz")]
    [InlineData("/livez")]
    public async Task Health_paths_answer_ok(string path)
    {
        var (endpoint, address) = await StartEndpointAsync();
        using var _ = endpoint;

        TlsTestClient.Reply reply = await endpoint.Client.GetAsync(EndpointUnderTest.Url(address, path));

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.Equal("ok", reply.Body);
    }

    [Fact]
    public async Task Readyz_is_ok_while_etcd_serves_quorum_reads()
    {
        var (endpoint, address) = await StartEndpointAsync();
        using var _ = endpoint;

        await endpoint.WaitUntilReadyAsync(address);
        TlsTestClient.Reply reply = await endpoint.Client.GetAsync(EndpointUnderTest.Url(address, "/readyz"));

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.Equal("ok", reply.Body);
    }

    [Fact]
    public async Task Version_reports_kubernetes_style_json_derived_from_git_version()
    {
        var (endpoint, address) = await StartEndpointAsync(config => config["gitVersion"] = "v1.30.2-hamaster-standin");
        using var _ = endpoint;

        TlsTestClient.Reply reply = await endpoint.Client.GetAsync(EndpointUnderTest.Url(address, "/version"));

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.Equal("application/json", reply.ContentType);
        using JsonDocument json = JsonDocument.Parse(reply.Body);
        Assert.Equal("1", json.RootElement.GetProperty("major").GetString());
        Assert.Equal("30", json.RootElement.GetProperty("minor").GetString());
        Assert.Equal("v1.30.2-hamaster-standin", json.RootElement.GetProperty("gitVersion").GetString());
        Assert.Matches("^[a-z]+/[a-z0-9]+$", json.RootElement.GetProperty("platform").GetString());
        Assert.True(json.RootElement.GetProperty("hamasterStandIn").GetBoolean());
        foreach (var field in new[] { "gitCommit", "gitTreeState", "buildDate", "goVersion", "compiler" })
            Assert.Equal(JsonValueKind.String, json.RootElement.GetProperty(field).ValueKind);
    }

    [Fact]
    public async Task Other_paths_are_forbidden_without_a_certificate_other_methods_not_allowed_and_head_has_no_body()
    {
        var (endpoint, address) = await StartEndpointAsync();
        using var _ = endpoint;

        TlsTestClient.Reply unknown = await endpoint.Client.GetAsync(EndpointUnderTest.Url(address, "/api/v1/nodes"));
        TlsTestClient.Reply post = await endpoint.Client.SendAsync(HttpMethod.Post, EndpointUnderTest.Url(address, "/healthz"), new StringContent("x"));
        TlsTestClient.Reply head = await endpoint.Client.SendAsync(HttpMethod.Head, EndpointUnderTest.Url(address, "/healthz"));
        TlsTestClient.Reply withQuery = await endpoint.Client.GetAsync(EndpointUnderTest.Url(address, "/healthz?verbose"));

        Assert.Equal(HttpStatusCode.Forbidden, unknown.Status);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, post.Status);
        Assert.Equal(HttpStatusCode.OK, head.Status);
        Assert.Equal("", head.Body);
        Assert.Equal(HttpStatusCode.OK, withQuery.Status);
    }

    [Fact]
    public async Task Client_trusting_only_the_test_ca_connects_and_one_trusting_a_foreign_ca_is_refused()
    {
        var (endpoint, address) = await StartEndpointAsync();
        using var _ = endpoint;
        var foreignClient = TlsTestClient.Trusting(fixture.ForeignPki.CaFile);

        TlsTestClient.Reply trusted = await endpoint.Client.GetAsync(EndpointUnderTest.Url(address, "/healthz"));
        var refused = await Assert.ThrowsAsync<HttpRequestException>(
            () => foreignClient.GetAsync(EndpointUnderTest.Url(address, "/healthz")));

        Assert.Equal(HttpStatusCode.OK, trusted.Status);
        Assert.IsAssignableFrom<AuthenticationException>(refused.InnerException);
    }

    [Fact]
    public async Task Discovery_answers_only_clients_with_a_certificate_of_the_client_ca_and_health_stays_public()
    {
        var (endpoint, address) = await StartEndpointAsync(config => config["clientCaFile"] = fixture.Pki.CaFile);
        using var _ = endpoint;
        var genuine = TlsTestClient.Trusting(fixture.Pki.CaFile, fixture.Pki.IssuePem("operator"));
        var foreign = TlsTestClient.Trusting(fixture.Pki.CaFile, fixture.ForeignPki.IssuePem("intruder"));

        var api = await genuine.GetAsync(EndpointUnderTest.Url(address, "/api"));
        var apis = await genuine.GetAsync(EndpointUnderTest.Url(address, "/apis/"));
        Assert.Equal(HttpStatusCode.OK, api.Status);
        using (var versions = JsonDocument.Parse(api.Body))
        {
            Assert.Equal("APIVersions", versions.RootElement.GetProperty("kind").GetString());
            Assert.Equal("v1", Assert.Single(versions.RootElement.GetProperty("versions").EnumerateArray()).GetString());
        }
        Assert.Equal(HttpStatusCode.OK, apis.Status);
        using (var groups = JsonDocument.Parse(apis.Body))
            Assert.Equal("APIGroupList", groups.RootElement.GetProperty("kind").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await genuine.GetAsync(EndpointUnderTest.Url(address, "/api/v1/nodes"))).Status);

        // Without a certificate: forbidden, in the shape kube-apiserver gives it. A foreign certificate is
        // not sent at all (the handshake names the client CA) or refused as unauthorized.
        var anonymous = await endpoint.Client.GetAsync(EndpointUnderTest.Url(address, "/api"));
        Assert.Equal(HttpStatusCode.Forbidden, anonymous.Status);
        using (var status = JsonDocument.Parse(anonymous.Body))
        {
            Assert.Equal("Status", status.RootElement.GetProperty("kind").GetString());
            Assert.Equal("Forbidden", status.RootElement.GetProperty("reason").GetString());
            Assert.Contains("system:anonymous", status.RootElement.GetProperty("message").GetString());
        }
        var intruder = await foreign.GetAsync(EndpointUnderTest.Url(address, "/apis"));
        Assert.Contains(intruder.Status, new[] { HttpStatusCode.Unauthorized, HttpStatusCode.Forbidden });

        foreach (var path in new[] { "/healthz", "/livez", "/version" })
            Assert.Equal(HttpStatusCode.OK, (await endpoint.Client.GetAsync(EndpointUnderTest.Url(address, path))).Status);
        Assert.Equal(HttpStatusCode.OK, (await foreign.GetAsync(EndpointUnderTest.Url(address, "/version"))).Status);
    }

    [Theory]
    [InlineData(SslProtocols.Tls12)]
    [InlineData(SslProtocols.Tls13)]
    public async Task Tls_1_2_and_1_3_are_accepted_without_a_client_certificate(SslProtocols protocol)
    {
        var (endpoint, address) = await StartEndpointAsync();
        using var _ = endpoint;

        SslProtocols negotiated = await endpoint.Client.HandshakeAsync(EndpointUnderTest.ListenAddress(address), protocol);

        Assert.Equal(protocol, negotiated);
    }

    [Fact]
    public async Task Another_socket_with_so_reuseport_can_bind_the_address_while_the_endpoint_listens()
    {
        var (endpoint, address) = await StartEndpointAsync();
        using var _ = endpoint;
        IPEndPoint listenAddress = EndpointUnderTest.ListenAddress(address);

        using (var plain = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            var conflict = Assert.Throws<SocketException>(() => plain.Bind(listenAddress));
            Assert.Equal(SocketError.AddressAlreadyInUse, conflict.SocketErrorCode);
        }
        using (var handoverSocket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            handoverSocket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            handoverSocket.SetRawSocketOption(1, 15, BitConverter.GetBytes(1));
            handoverSocket.Bind(listenAddress);
            handoverSocket.Listen(16);
        }

        TlsTestClient.Reply reply = await endpoint.Client.GetAsync(EndpointUnderTest.Url(address, "/healthz"));
        Assert.Equal(HttpStatusCode.OK, reply.Status);
    }

    [Fact]
    public async Task Readyz_fails_when_the_etcd_server_certificate_does_not_chain_to_the_configured_ca()
    {
        var (endpoint, address) = await StartEndpointAsync(config =>
            ((Dictionary<string, object?>)config["etcd"]!)["caFile"] = fixture.ForeignPki.CaFile);
        using var _ = endpoint;

        TlsTestClient.Reply ready = await endpoint.Client.GetAsync(EndpointUnderTest.Url(address, "/readyz"));
        TlsTestClient.Reply healthy = await endpoint.Client.GetAsync(EndpointUnderTest.Url(address, "/healthz"));

        Assert.Equal(HttpStatusCode.InternalServerError, ready.Status);
        Assert.StartsWith("etcd: TLS handshake failed", ready.Body);
        Assert.Contains("does not chain", ready.Body);
        Assert.DoesNotContain('\n', ready.Body);
        Assert.Equal(HttpStatusCode.OK, healthy.Status);
    }

    [Fact]
    public async Task Readyz_fails_when_etcd_does_not_accept_the_client_certificate()
    {
        PemPair foreignClient = fixture.ForeignPki.IssuePem($"foreign-client-{Guid.NewGuid():N}");
        var (endpoint, address) = await StartEndpointAsync(config =>
        {
            var etcd = (Dictionary<string, object?>)config["etcd"]!;
            etcd["certFile"] = foreignClient.CertFile;
            etcd["keyFile"] = foreignClient.KeyFile;
        });
        using var _ = endpoint;

        TlsTestClient.Reply ready = await endpoint.Client.GetAsync(EndpointUnderTest.Url(address, "/readyz"));

        Assert.Equal(HttpStatusCode.InternalServerError, ready.Status);
        Assert.StartsWith("etcd:", ready.Body);
    }

    [Fact]
    public async Task Concurrent_readyz_probes_share_etcd_reads()
    {
        var (endpoint, address) = await StartEndpointAsync();
        using var _ = endpoint;
        await endpoint.WaitUntilReadyAsync(address);
        const int probes = 40;
        long rangesBefore = await fixture.Etcd.RangeRequestsHandledAsync();

        TlsTestClient.Reply[] replies = await Task.WhenAll(Enumerable.Range(0, probes)
            .Select(_ => endpoint.Client.GetAsync(EndpointUnderTest.Url(address, "/readyz"))));
        long rangesAfter = await fixture.Etcd.RangeRequestsHandledAsync();

        Assert.All(replies, reply => Assert.Equal(HttpStatusCode.OK, reply.Status));
        Assert.InRange(rangesAfter - rangesBefore, 1, probes / 2);
    }

    [Theory]
    [InlineData(ChildProcess.SIGTERM, "SIGTERM")]
    [InlineData(ChildProcess.SIGINT, "SIGINT")]
    public async Task Stop_signal_closes_listeners_and_exits_0(int signal, string signalName)
    {
        var (endpoint, address) = await StartEndpointAsync();
        using var _ = endpoint;

        endpoint.Process.Signal(signal);
        int exitCode = await endpoint.Process.WaitForExitAsync(TimeSpan.FromSeconds(15));

        Assert.Equal(0, exitCode);
        Assert.Contains($"stopped ({signalName})", endpoint.Process.Stdout);
        Assert.True(await TlsTestClient.IsRefusedAsync(EndpointUnderTest.ListenAddress(address)));
    }
}
