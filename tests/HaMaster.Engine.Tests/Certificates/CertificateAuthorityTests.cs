using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using HaMaster.Engine.Certificates;
using Xunit;

namespace HaMaster.Engine.Tests.Certificates;

public sealed class CertificateAuthorityTests
{
    [Fact]
    public void Created_authority_is_a_self_signed_p256_ca_valid_for_ten_years_backdated_five_minutes()
    {
        DateTimeOffset now = DateTimeOffset.UtcNow;
        CertificateAuthority authority = CertificateAuthority.Create("hamaster-ca", now);

        using X509Certificate2 certificate = X509Certificate2.CreateFromPem(authority.CertificatePem);

        Assert.Equal("CN=hamaster-ca", certificate.Subject);
        Assert.Equal(certificate.Subject, certificate.Issuer);
        X509BasicConstraintsExtension constraints = certificate.Extensions.OfType<X509BasicConstraintsExtension>().Single();
        Assert.True(constraints.CertificateAuthority);
        Assert.True(constraints.Critical);
        X509KeyUsageExtension keyUsage = certificate.Extensions.OfType<X509KeyUsageExtension>().Single();
        Assert.Equal(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, keyUsage.KeyUsages);
        Assert.NotEmpty(certificate.Extensions.OfType<X509SubjectKeyIdentifierExtension>().Single().SubjectKeyIdentifierBytes.ToArray());
        Assert.Equal("1.2.840.10045.4.3.2", certificate.SignatureAlgorithm.Value); // ecdsa-with-SHA256
        CertificateInspection.AssertP256PublicKey(certificate);
        CertificateInspection.AssertValidity(certificate, now, years: 10);
        AssertSelfSigned(certificate);
    }

    [Fact]
    public void Serial_numbers_are_positive_random_and_at_most_128_bits()
    {
        DateTimeOffset now = DateTimeOffset.UtcNow;
        using X509Certificate2 first = X509Certificate2.CreateFromPem(CertificateAuthority.Create("a", now).CertificatePem);
        using X509Certificate2 second = X509Certificate2.CreateFromPem(CertificateAuthority.Create("a", now).CertificatePem);

        foreach (X509Certificate2 certificate in new[] { first, second })
        {
            byte[] serial = certificate.SerialNumberBytes.ToArray(); // big-endian, two's complement
            Assert.True(serial[0] < 0x80, "serial number must be positive");
            Assert.InRange(serial.Length, 1, 17);
            if (serial.Length == 17)
            {
                Assert.Equal(0, serial[0]);
            }
        }

        Assert.NotEqual(first.SerialNumber, second.SerialNumber);
    }

    [Fact]
    public void Private_key_is_pkcs8_pem_matching_the_certificate()
    {
        CertificateAuthority authority = CertificateAuthority.Create("hamaster-ca", DateTimeOffset.UtcNow);

        Assert.StartsWith("-----BEGIN PRIVATE KEY-----", authority.PrivateKeyPem);
        using X509Certificate2 withKey = X509Certificate2.CreateFromPem(authority.CertificatePem, authority.PrivateKeyPem);
        Assert.True(withKey.HasPrivateKey);
    }

    [Fact]
    public void Loaded_authority_round_trips_and_still_issues_certificates_that_chain_to_it()
    {
        DateTimeOffset now = DateTimeOffset.UtcNow;
        CertificateAuthority original = CertificateAuthority.Create("hamaster-ca", now);

        CertificateAuthority loaded = CertificateAuthority.Load(original.CertificatePem, original.PrivateKeyPem);

        Assert.Equal(original.CertificatePem, loaded.CertificatePem);
        Assert.Equal(original.PrivateKeyPem, loaded.PrivateKeyPem);
        using X509Certificate2 caCertificate = X509Certificate2.CreateFromPem(original.CertificatePem);
        using X509Certificate2 leaf = X509Certificate2.CreateFromPem(loaded.Issue(ClusterCertificates.Client("admin"), now).CertificatePem);
        Assert.True(TrustValidation.IsTrustedBy(leaf, caCertificate, out string? problem), problem);
        AssertAuthorityKeyIdentifierMatches(leaf, caCertificate);
    }

    [Fact]
    public void Load_accepts_a_traditional_ec_private_key()
    {
        DateTimeOffset now = DateTimeOffset.UtcNow;
        CertificateAuthority original = CertificateAuthority.Create("hamaster-ca", now);
        using ECDsa key = ECDsa.Create();
        key.ImportFromPem(original.PrivateKeyPem);
        string sec1Pem = key.ExportECPrivateKeyPem();
        Assert.StartsWith("-----BEGIN EC PRIVATE KEY-----", sec1Pem);

        CertificateAuthority loaded = CertificateAuthority.Load(original.CertificatePem, sec1Pem);

        using X509Certificate2 caCertificate = X509Certificate2.CreateFromPem(original.CertificatePem);
        using X509Certificate2 leaf = X509Certificate2.CreateFromPem(loaded.Issue(ClusterCertificates.Client("admin"), now).CertificatePem);
        Assert.True(TrustValidation.IsTrustedBy(leaf, caCertificate, out string? problem), problem);
    }

    [Fact]
    public void Load_rejects_a_private_key_of_another_authority()
    {
        DateTimeOffset now = DateTimeOffset.UtcNow;
        CertificateAuthority first = CertificateAuthority.Create("first", now);
        CertificateAuthority second = CertificateAuthority.Create("second", now);

        ArgumentException error = Assert.Throws<ArgumentException>(() => CertificateAuthority.Load(first.CertificatePem, second.PrivateKeyPem));
        Assert.Equal("privateKeyPem", error.ParamName);
    }

    [Fact]
    public void Load_rejects_a_leaf_certificate()
    {
        DateTimeOffset now = DateTimeOffset.UtcNow;
        IssuedCertificate leaf = CertificateAuthority.Create("ca", now).Issue(ClusterCertificates.Client("admin"), now);

        ArgumentException error = Assert.Throws<ArgumentException>(() => CertificateAuthority.Load(leaf.CertificatePem, leaf.PrivateKeyPem));
        Assert.Equal("certificatePem", error.ParamName);
    }

    [Fact]
    public void Load_rejects_text_that_is_not_pem()
    {
        CertificateAuthority authority = CertificateAuthority.Create("ca", DateTimeOffset.UtcNow);

        Assert.Throws<ArgumentException>(() => CertificateAuthority.Load("not a certificate", authority.PrivateKeyPem));
        Assert.Throws<ArgumentException>(() => CertificateAuthority.Load(authority.CertificatePem, authority.CertificatePem));
    }

    [Fact]
    public void Leaf_validity_never_extends_past_the_authority()
    {
        DateTimeOffset caCreated = DateTimeOffset.UtcNow;
        CertificateAuthority authority = CertificateAuthority.Create("ca", caCreated);
        using X509Certificate2 caCertificate = X509Certificate2.CreateFromPem(authority.CertificatePem);

        DateTimeOffset nearCaExpiry = caCreated.AddYears(10).AddMonths(-1);
        using X509Certificate2 leaf = X509Certificate2.CreateFromPem(authority.Issue(ClusterCertificates.Client("late"), nearCaExpiry).CertificatePem);

        Assert.Equal(caCertificate.NotAfter, leaf.NotAfter);
        Assert.Throws<InvalidOperationException>(() => authority.Issue(ClusterCertificates.Client("too-late"), caCreated.AddYears(11)));
    }

    [Fact]
    public void Issue_rejects_invalid_requests()
    {
        DateTimeOffset now = DateTimeOffset.UtcNow;
        CertificateAuthority authority = CertificateAuthority.Create("ca", now);

        Assert.Throws<ArgumentException>(() => authority.Issue(new CertificateRequestSpec("x", [], [], 0), now));
        Assert.Throws<ArgumentException>(() => authority.Issue(new CertificateRequestSpec("x", ["bad name!"], [], CertificateUsage.Server), now));
        Assert.Throws<ArgumentException>(() => authority.Issue(new CertificateRequestSpec(" ", [], [IPAddress.Loopback], CertificateUsage.Server), now));
    }

    internal static void AssertAuthorityKeyIdentifierMatches(X509Certificate2 leaf, X509Certificate2 caCertificate)
    {
        X509AuthorityKeyIdentifierExtension authorityKey = leaf.Extensions.OfType<X509AuthorityKeyIdentifierExtension>().Single();
        X509SubjectKeyIdentifierExtension caKey = caCertificate.Extensions.OfType<X509SubjectKeyIdentifierExtension>().Single();
        Assert.NotNull(authorityKey.KeyIdentifier);
        Assert.Equal(caKey.SubjectKeyIdentifierBytes.ToArray(), authorityKey.KeyIdentifier.Value.ToArray());
    }

    private static void AssertSelfSigned(X509Certificate2 certificate)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(certificate);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;

        Assert.True(chain.Build(certificate), string.Join("; ", chain.ChainStatus.Select(status => status.StatusInformation)));
        Assert.Single(chain.ChainElements);
    }
}
