using System.Net;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using HaMaster.Engine.Certificates;
using Xunit;

namespace HaMaster.Engine.Tests.Certificates;

public sealed class TlsHandshakeTests : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);
    private static readonly byte[] Payload = Encoding.UTF8.GetBytes("hello over tls");

    private readonly DateTimeOffset _now = DateTimeOffset.UtcNow;
    private readonly CertificateAuthority _authority;
    private readonly X509Certificate2 _caCertificate;
    private readonly CancellationTokenSource _deadline = new(Deadline);

    public TlsHandshakeTests()
    {
        _authority = CertificateAuthority.Create("hamaster-ca", _now);
        _caCertificate = X509Certificate2.CreateFromPem(_authority.CertificatePem);
    }

    public void Dispose()
    {
        _caCertificate.Dispose();
        _deadline.Dispose();
    }

    [Fact]
    public async Task Client_trusting_the_authority_accepts_an_api_server_certificate_and_gets_the_echo()
    {
        using X509Certificate2 serverCertificate = IssueApiServerCertificate(_authority);
        await using LoopbackTlsServer server = LoopbackTlsServer.Start(serverCertificate);

        byte[] echo = await LoopbackTlsClient.ExchangeAsync(
            server.Port, "127.0.0.1", TrustValidation.CallbackTrusting(_caCertificate, "127.0.0.1"), null, Payload, _deadline.Token);

        Assert.Equal(Payload, echo);
        await server.Completion.WaitAsync(Deadline);
    }

    [Fact]
    public async Task Mutual_tls_with_client_certificate_from_the_same_authority_succeeds()
    {
        using X509Certificate2 serverCertificate = IssueApiServerCertificate(_authority);
        using X509Certificate2 clientCertificate = _authority.Issue(ClusterCertificates.Client("system:admin"), _now).ToX509();
        await using LoopbackTlsServer server = LoopbackTlsServer.Start(
            serverCertificate, clientCertificateRequired: true, TrustValidation.CallbackTrusting(_caCertificate));

        byte[] echo = await LoopbackTlsClient.ExchangeAsync(
            server.Port, "localhost", TrustValidation.CallbackTrusting(_caCertificate, "localhost"), clientCertificate, Payload, _deadline.Token);

        Assert.Equal(Payload, echo);
        await server.Completion.WaitAsync(Deadline);
        Assert.Equal("CN=system:admin", server.ClientCertificateSubject);
    }

    [Fact]
    public async Task Etcd_member_certificate_works_as_both_server_and_peer_client_certificate()
    {
        using X509Certificate2 memberCertificate = _authority.Issue(ClusterCertificates.EtcdMember("replica-0", IPAddress.Loopback), _now).ToX509();
        using X509Certificate2 peerCertificate = _authority.Issue(ClusterCertificates.EtcdMember("replica-1", IPAddress.Loopback), _now).ToX509();
        await using LoopbackTlsServer server = LoopbackTlsServer.Start(
            memberCertificate, clientCertificateRequired: true, TrustValidation.CallbackTrusting(_caCertificate, "127.0.0.1"));

        byte[] echo = await LoopbackTlsClient.ExchangeAsync(
            server.Port, "127.0.0.1", TrustValidation.CallbackTrusting(_caCertificate, "127.0.0.1"), peerCertificate, Payload, _deadline.Token);

        Assert.Equal(Payload, echo);
        await server.Completion.WaitAsync(Deadline);
        Assert.Equal("CN=replica-1", server.ClientCertificateSubject);
    }

    [Fact]
    public async Task Client_rejects_a_server_certificate_from_a_foreign_authority()
    {
        CertificateAuthority foreign = CertificateAuthority.Create("foreign-ca", _now);
        using X509Certificate2 serverCertificate = IssueApiServerCertificate(foreign);
        await using LoopbackTlsServer server = LoopbackTlsServer.Start(serverCertificate);

        await Assert.ThrowsAsync<AuthenticationException>(() => LoopbackTlsClient.ExchangeAsync(
            server.Port, "127.0.0.1", TrustValidation.CallbackTrusting(_caCertificate, "127.0.0.1"), null, Payload, _deadline.Token));
    }

    [Fact]
    public async Task Client_rejects_a_trusted_server_certificate_that_does_not_name_the_host()
    {
        using X509Certificate2 serverCertificate = IssueApiServerCertificate(_authority);
        await using LoopbackTlsServer server = LoopbackTlsServer.Start(serverCertificate);

        await Assert.ThrowsAsync<AuthenticationException>(() => LoopbackTlsClient.ExchangeAsync(
            server.Port, "127.0.0.1", TrustValidation.CallbackTrusting(_caCertificate, "replica-9"), null, Payload, _deadline.Token));
    }

    [Fact]
    public async Task Target_host_check_accepts_a_certificate_only_when_it_names_the_host_connected_to()
    {
        using X509Certificate2 serverCertificate = _authority.Issue(
            new CertificateRequestSpec("replica-9", ["replica-9"], [IPAddress.Parse("10.9.9.9")], CertificateUsage.Server), _now).ToX509();
        await using LoopbackTlsServer named = LoopbackTlsServer.Start(serverCertificate);
        await using LoopbackTlsServer unnamed = LoopbackTlsServer.Start(serverCertificate);

        byte[] echo = await LoopbackTlsClient.ExchangeAsync(
            named.Port, "replica-9", TrustValidation.CallbackTrustingForTargetHost(_caCertificate), null, Payload, _deadline.Token);
        Assert.Equal(Payload, echo);

        await Assert.ThrowsAsync<AuthenticationException>(() => LoopbackTlsClient.ExchangeAsync(
            unnamed.Port, "127.0.0.1", TrustValidation.CallbackTrustingForTargetHost(_caCertificate), null, Payload, _deadline.Token));
    }

    [Fact]
    public async Task Client_rejects_a_client_only_certificate_presented_by_a_server()
    {
        using X509Certificate2 clientOnly = _authority.Issue(
            new CertificateRequestSpec("impostor", ["localhost"], [IPAddress.Loopback], CertificateUsage.Client), _now).ToX509();
        await using LoopbackTlsServer server = LoopbackTlsServer.Start(clientOnly);

        await Assert.ThrowsAsync<AuthenticationException>(() => LoopbackTlsClient.ExchangeAsync(
            server.Port, "127.0.0.1", TrustValidation.CallbackTrusting(_caCertificate, "127.0.0.1"), null, Payload, _deadline.Token));
    }

    [Fact]
    public async Task Server_rejects_a_client_certificate_from_a_foreign_authority()
    {
        CertificateAuthority foreign = CertificateAuthority.Create("foreign-ca", _now);
        using X509Certificate2 serverCertificate = IssueApiServerCertificate(_authority);
        using X509Certificate2 foreignClient = foreign.Issue(ClusterCertificates.Client("system:admin"), _now).ToX509();

        await AssertServerRejectsClientAsync(serverCertificate, foreignClient);
    }

    [Fact]
    public async Task Server_rejects_a_server_only_certificate_presented_as_client_certificate()
    {
        using X509Certificate2 serverCertificate = IssueApiServerCertificate(_authority);
        using X509Certificate2 otherServerCertificate = IssueApiServerCertificate(_authority);

        await AssertServerRejectsClientAsync(serverCertificate, otherServerCertificate);
    }

    [Fact]
    public async Task Server_requiring_a_client_certificate_rejects_a_client_without_one()
    {
        using X509Certificate2 serverCertificate = IssueApiServerCertificate(_authority);

        await AssertServerRejectsClientAsync(serverCertificate, clientCertificate: null);
    }

    private async Task AssertServerRejectsClientAsync(X509Certificate2 serverCertificate, X509Certificate2? clientCertificate)
    {
        await using LoopbackTlsServer server = LoopbackTlsServer.Start(
            serverCertificate, clientCertificateRequired: true, TrustValidation.CallbackTrusting(_caCertificate));

        Task<byte[]> exchange = LoopbackTlsClient.ExchangeAsync(
            server.Port, "127.0.0.1", TrustValidation.CallbackTrusting(_caCertificate, "127.0.0.1"), clientCertificate, Payload, _deadline.Token);

        await Assert.ThrowsAsync<AuthenticationException>(() => server.Completion.WaitAsync(Deadline));

        // With TLS 1.3 the client may finish its side of the handshake before the server
        // has judged the client certificate, so the failure can surface on the first read.
        Exception clientFailure = await Assert.ThrowsAnyAsync<Exception>(() => exchange.WaitAsync(Deadline));
        Assert.True(clientFailure is AuthenticationException or IOException, $"unexpected client failure: {clientFailure}");
        Assert.Null(server.ClientCertificateSubject);
    }

    private X509Certificate2 IssueApiServerCertificate(CertificateAuthority authority) =>
        authority.Issue(
            ClusterCertificates.ApiServer("replica-0", IPAddress.Loopback, IPAddress.Loopback, ClusterCertificates.DefaultServiceAddress),
            _now).ToX509();
}
