using System.Net;
using System.Security.Cryptography.X509Certificates;
using HaMaster.Engine.Certificates;
using Xunit;
using static HaMaster.Engine.Tests.Certificates.CertificateInspection;

namespace HaMaster.Engine.Tests.Certificates;

public sealed class ClusterCertificatesTests : IDisposable
{
    private static readonly IPAddress ReplicaAddress = IPAddress.Parse("192.168.50.11");
    private static readonly IPAddress ClusterAddress = IPAddress.Parse("192.168.50.10");

    private readonly DateTimeOffset _now = DateTimeOffset.UtcNow;
    private readonly CertificateAuthority _authority;
    private readonly X509Certificate2 _caCertificate;

    public ClusterCertificatesTests()
    {
        _authority = CertificateAuthority.Create("hamaster-ca", _now);
        _caCertificate = X509Certificate2.CreateFromPem(_authority.CertificatePem);
    }

    public void Dispose() => _caCertificate.Dispose();

    [Fact]
    public void Default_service_address_is_the_first_address_of_the_default_service_range()
    {
        Assert.Equal(IPAddress.Parse("10.0.0.1"), ClusterCertificates.DefaultServiceAddress);
    }

    [Fact]
    public void Api_server_certificate_names_every_way_the_api_server_is_reached()
    {
        CertificateRequestSpec spec = ClusterCertificates.ApiServer("replica-1", ReplicaAddress, ClusterAddress, ClusterCertificates.DefaultServiceAddress);

        using X509Certificate2 certificate = IssueAndVerify(spec);

        Assert.Equal("CN=replica-1", certificate.Subject);
        Assert.Equal(
            Sorted("kubernetes", "kubernetes.default", "kubernetes.default.svc", "kubernetes.default.svc.cluster.local", "replica-1", "localhost"),
            DnsNames(certificate));
        Assert.Equal(Sorted("192.168.50.10", "192.168.50.11", "10.0.0.1", "127.0.0.1"), IpAddresses(certificate));
        Assert.Equal([ServerAuthenticationOid], ExtendedKeyUsages(certificate));
    }

    [Fact]
    public void Api_server_certificate_lists_equal_addresses_once()
    {
        CertificateRequestSpec spec = ClusterCertificates.ApiServer("localhost", IPAddress.Loopback, IPAddress.Parse("127.0.0.1"), ClusterCertificates.DefaultServiceAddress);

        using X509Certificate2 certificate = IssueAndVerify(spec);

        Assert.Equal(Sorted("10.0.0.1", "127.0.0.1"), IpAddresses(certificate));
        Assert.Equal(
            Sorted("kubernetes", "kubernetes.default", "kubernetes.default.svc", "kubernetes.default.svc.cluster.local", "localhost"),
            DnsNames(certificate));
    }

    [Fact]
    public void Api_server_certificate_uses_the_given_service_address()
    {
        IPAddress serviceAddress = IPAddress.Parse("10.96.0.1");
        CertificateRequestSpec spec = ClusterCertificates.ApiServer("replica-1", ReplicaAddress, ClusterAddress, serviceAddress);

        Assert.Equal(SortedAddresses(ClusterAddress, ReplicaAddress, serviceAddress, IPAddress.Loopback), SortedAddresses([.. spec.IpAddresses]));
    }

    [Fact]
    public void Etcd_member_certificate_serves_and_authenticates_as_peer_under_its_name_and_loopback()
    {
        CertificateRequestSpec spec = ClusterCertificates.EtcdMember("replica-2", ReplicaAddress);

        using X509Certificate2 certificate = IssueAndVerify(spec);

        Assert.Equal("CN=replica-2", certificate.Subject);
        Assert.Equal(Sorted("localhost", "replica-2"), DnsNames(certificate));
        Assert.Equal(Sorted("127.0.0.1", "192.168.50.11"), IpAddresses(certificate));
        Assert.Equal(Sorted(ServerAuthenticationOid, ClientAuthenticationOid), ExtendedKeyUsages(certificate));
    }

    [Fact]
    public void Etcd_member_on_loopback_lists_loopback_once()
    {
        CertificateRequestSpec spec = ClusterCertificates.EtcdMember("replica-0", IPAddress.Loopback);

        using X509Certificate2 certificate = IssueAndVerify(spec);

        Assert.Equal(["127.0.0.1"], IpAddresses(certificate));
    }

    [Fact]
    public void Client_certificate_has_only_client_usage_and_no_alternative_names()
    {
        CertificateRequestSpec spec = ClusterCertificates.Client("system:kube-controller-manager");

        using X509Certificate2 certificate = IssueAndVerify(spec);

        Assert.Equal("CN=system:kube-controller-manager", certificate.Subject);
        Assert.Null(AlternativeNames(certificate));
        Assert.Equal([ClientAuthenticationOid], ExtendedKeyUsages(certificate));
    }

    [Fact]
    public void Issued_certificate_with_key_is_usable_and_its_key_is_p256()
    {
        IssuedCertificate issued = _authority.Issue(ClusterCertificates.EtcdMember("replica-0", IPAddress.Loopback), _now);

        Assert.StartsWith("-----BEGIN PRIVATE KEY-----", issued.PrivateKeyPem);
        using X509Certificate2 certificate = issued.ToX509();
        Assert.True(certificate.HasPrivateKey);
        using var privateKey = certificate.GetECDsaPrivateKey();
        Assert.NotNull(privateKey);
        Assert.Equal(256, privateKey.KeySize);
    }

    [Fact]
    public void Each_issued_certificate_gets_its_own_key()
    {
        CertificateRequestSpec spec = ClusterCertificates.Client("admin");

        IssuedCertificate first = _authority.Issue(spec, _now);
        IssuedCertificate second = _authority.Issue(spec, _now);

        Assert.NotEqual(first.PrivateKeyPem, second.PrivateKeyPem);
    }

    private X509Certificate2 IssueAndVerify(CertificateRequestSpec spec)
    {
        X509Certificate2 certificate = X509Certificate2.CreateFromPem(_authority.Issue(spec, _now).CertificatePem);

        Assert.Equal(_caCertificate.Subject, certificate.Issuer);
        Assert.True(TrustValidation.IsTrustedBy(certificate, _caCertificate, out string? problem), problem);
        CertificateAuthorityTests.AssertAuthorityKeyIdentifierMatches(certificate, _caCertificate);
        Assert.NotNull(certificate.Extensions.OfType<X509SubjectKeyIdentifierExtension>().SingleOrDefault());
        X509BasicConstraintsExtension constraints = certificate.Extensions.OfType<X509BasicConstraintsExtension>().Single();
        Assert.False(constraints.CertificateAuthority);
        Assert.Equal(X509KeyUsageFlags.DigitalSignature, certificate.Extensions.OfType<X509KeyUsageExtension>().Single().KeyUsages);
        AssertValidity(certificate, _now, years: 1);
        AssertP256PublicKey(certificate);
        return certificate;
    }
}
