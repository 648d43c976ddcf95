using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using HaMaster.Engine.Certificates;
using Xunit;

namespace HaMaster.Engine.Tests.Certificates;

public sealed class TrustValidationTests : IDisposable
{
    private readonly DateTimeOffset _now = DateTimeOffset.UtcNow;
    private readonly CertificateAuthority _authority;
    private readonly X509Certificate2 _caCertificate;
    private readonly X509Certificate2 _apiServerCertificate;

    public TrustValidationTests()
    {
        _authority = CertificateAuthority.Create("hamaster-ca", _now);
        _caCertificate = X509Certificate2.CreateFromPem(_authority.CertificatePem);
        _apiServerCertificate = X509Certificate2.CreateFromPem(_authority.Issue(
            ClusterCertificates.ApiServer("replica-1", IPAddress.Parse("192.168.50.11"), IPAddress.Parse("192.168.50.10"), ClusterCertificates.DefaultServiceAddress),
            _now).CertificatePem);
    }

    public void Dispose()
    {
        _caCertificate.Dispose();
        _apiServerCertificate.Dispose();
    }

    [Fact]
    public void Certificate_from_a_foreign_authority_is_not_trusted()
    {
        CertificateAuthority foreign = CertificateAuthority.Create("hamaster-ca", _now);
        using X509Certificate2 foreignLeaf = X509Certificate2.CreateFromPem(foreign.Issue(ClusterCertificates.Client("admin"), _now).CertificatePem);

        Assert.False(TrustValidation.IsTrustedBy(foreignLeaf, _caCertificate, out string? problem));
        Assert.False(string.IsNullOrWhiteSpace(problem));
    }

    [Fact]
    public void The_authority_itself_is_not_accepted_as_a_presented_certificate()
    {
        Assert.False(TrustValidation.IsTrustedBy(_caCertificate, _caCertificate, out string? problem));
        Assert.NotNull(problem);
    }

    [Fact]
    public void Expired_certificate_is_not_trusted()
    {
        using X509Certificate2 expired = X509Certificate2.CreateFromPem(
            _authority.Issue(ClusterCertificates.Client("old"), _now.AddYears(-2)).CertificatePem);

        Assert.False(TrustValidation.IsTrustedBy(expired, _caCertificate, out string? problem));
        Assert.NotNull(problem);
    }

    [Theory]
    [InlineData("192.168.50.10")]
    [InlineData("192.168.50.11")]
    [InlineData("10.0.0.1")]
    [InlineData("127.0.0.1")]
    [InlineData("kubernetes.default.svc")]
    [InlineData("KUBERNETES.default.svc.cluster.local")]
    [InlineData("replica-1")]
    [InlineData("localhost")]
    public void Callback_accepts_hosts_named_by_the_certificate(string host)
    {
        RemoteCertificateValidationCallback callback = TrustValidation.CallbackTrusting(_caCertificate, host);

        Assert.True(callback(new object(), _apiServerCertificate, null, SslPolicyErrors.RemoteCertificateChainErrors));
    }

    [Theory]
    [InlineData("192.168.50.12")]
    [InlineData("10.0.0.2")]
    [InlineData("replica-2")]
    [InlineData("kubernetes.default.svc.cluster")]
    [InlineData("example.com")]
    public void Callback_rejects_hosts_not_named_by_the_certificate(string host)
    {
        RemoteCertificateValidationCallback callback = TrustValidation.CallbackTrusting(_caCertificate, host);

        Assert.False(callback(new object(), _apiServerCertificate, null, SslPolicyErrors.None));
    }

    [Fact]
    public void Callback_without_expected_host_ignores_names_but_not_trust()
    {
        RemoteCertificateValidationCallback callback = TrustValidation.CallbackTrusting(_caCertificate);
        CertificateAuthority foreign = CertificateAuthority.Create("foreign", _now);
        using X509Certificate2 foreignLeaf = X509Certificate2.CreateFromPem(foreign.Issue(ClusterCertificates.Client("admin"), _now).CertificatePem);

        Assert.True(callback(new object(), _apiServerCertificate, null, SslPolicyErrors.RemoteCertificateNameMismatch));
        Assert.False(callback(new object(), foreignLeaf, null, SslPolicyErrors.None));
        Assert.False(callback(new object(), null, null, SslPolicyErrors.RemoteCertificateNotAvailable));
    }
}
