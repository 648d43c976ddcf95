using System.Net;
using System.Security.Cryptography.X509Certificates;
using HaMaster.Engine.Tests.Certificates;
using HaMaster.TestSupport;
using Xunit;

namespace HaMaster.Engine.Tests.Support;

/// <summary>The tests' own CA: what its leaves name and allow, in memory and as PEM files.</summary>
public sealed class TestCertificateAuthorityTests : IDisposable
{
    private readonly DirectoryInfo folder = Directory.CreateTempSubdirectory("hamaster-test-ca-");

    [Fact]
    public void A_leaf_chains_to_the_authority_serves_both_ends_of_tls_and_names_its_addresses()
    {
        using var ca = new TestCertificateAuthority("unit");
        using var leaf = ca.Issue("cp-1", IPAddress.Parse("127.6.1.2"));

        Assert.True(leaf.HasPrivateKey);
        Assert.Equal("CN=cp-1", leaf.Subject);
        Assert.Equal(["cp-1", "localhost"], CertificateInspection.DnsNames(leaf));
        Assert.Equal(["127.0.0.1", "127.6.1.2"], CertificateInspection.IpAddresses(leaf));
        Assert.Equal([CertificateInspection.ServerAuthenticationOid, CertificateInspection.ClientAuthenticationOid], CertificateInspection.ExtendedKeyUsages(leaf));
        Assert.InRange(DateTime.Now, leaf.NotBefore, leaf.NotAfter);

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca.Certificate);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        Assert.True(chain.Build(leaf), string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation)));
    }

    [Fact]
    public void With_a_folder_it_writes_its_certificate_and_pem_pairs_that_read_back_with_their_key()
    {
        using var ca = new TestCertificateAuthority("files", folder.FullName);
        var pair = ca.IssuePem("etcd-1", IPAddress.Parse("127.7.1.1"));

        Assert.Equal(Path.Combine(folder.FullName, "files-ca.crt"), ca.CaFile);
        Assert.Equal(ca.Certificate.RawData, X509Certificate2.CreateFromPem(File.ReadAllText(ca.CaFile)).RawData);
        using var leaf = pair.Load();
        Assert.True(leaf.HasPrivateKey);
        Assert.Equal(Path.Combine(folder.FullName, "etcd-1.crt"), pair.CertFile);
        Assert.Equal(["127.0.0.1", "127.7.1.1"], CertificateInspection.IpAddresses(leaf));
    }

    [Fact]
    public void Without_a_folder_it_has_no_files()
    {
        using var ca = new TestCertificateAuthority("memory");

        Assert.Null(ca.Folder);
        Assert.Throws<InvalidOperationException>(() => ca.CaFile);
        Assert.Throws<InvalidOperationException>(() => ca.IssuePem("leaf"));
    }

    public void Dispose() => folder.Delete(recursive: true);
}
