using System.Net;
using System.Runtime.Versioning;
using System.Security.Cryptography.X509Certificates;
using HaMaster.Engine.Certificates;
using Xunit;

namespace HaMaster.Engine.Tests.Certificates;

[UnsupportedOSPlatform("windows")] // file modes are a Unix notion
public sealed class PemFileTests : IDisposable
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode WorldReadable = OwnerOnly | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("hamaster-pem-");
    private readonly DateTimeOffset _now = DateTimeOffset.UtcNow;
    private readonly CertificateAuthority _authority;
    private readonly IssuedCertificate _issued;

    public PemFileTests()
    {
        _authority = CertificateAuthority.Create("hamaster-ca", _now);
        _issued = _authority.Issue(ClusterCertificates.EtcdMember("replica-0", IPAddress.Loopback), _now);
    }

    public void Dispose() => _directory.Delete(recursive: true);

    [Fact]
    public void Private_key_file_is_owner_only_and_its_directory_is_created()
    {
        string path = Path.Combine(_directory.FullName, "pki", "etcd", "server.key");

        PemFile.WritePrivateKey(path, _issued.PrivateKeyPem);

        Assert.Equal(OwnerOnly, File.GetUnixFileMode(path));
        Assert.Equal(_issued.PrivateKeyPem, File.ReadAllText(path));
    }

    [Fact]
    public void Overwriting_a_world_readable_key_file_leaves_it_owner_only()
    {
        string path = Path.Combine(_directory.FullName, "server.key");
        File.WriteAllText(path, "old content");
        File.SetUnixFileMode(path, WorldReadable);

        PemFile.WritePrivateKey(path, _issued.PrivateKeyPem);

        Assert.Equal(OwnerOnly, File.GetUnixFileMode(path));
        Assert.Equal(_issued.PrivateKeyPem, File.ReadAllText(path));
        Assert.Equal(["server.key"], Directory.GetFiles(_directory.FullName).Select(Path.GetFileName));
    }

    [Fact]
    public void Certificate_file_is_world_readable()
    {
        string path = Path.Combine(_directory.FullName, "server.crt");
        File.WriteAllText(path, "old content");
        File.SetUnixFileMode(path, OwnerOnly);

        PemFile.WriteCertificate(path, _issued.CertificatePem);

        Assert.Equal(WorldReadable, File.GetUnixFileMode(path));
        Assert.Equal(_issued.CertificatePem, File.ReadAllText(path));
    }

    [Fact]
    public void Written_files_load_back_as_certificate_and_as_certificate_with_key()
    {
        string certificatePath = Path.Combine(_directory.FullName, "server.crt");
        string keyPath = Path.Combine(_directory.FullName, "server.key");
        string caPath = Path.Combine(_directory.FullName, "ca.crt");
        PemFile.WriteCertificate(certificatePath, _issued.CertificatePem);
        PemFile.WritePrivateKey(keyPath, _issued.PrivateKeyPem);
        PemFile.WriteCertificate(caPath, _authority.CertificatePem);

        using X509Certificate2 ca = PemFile.LoadCertificate(caPath);
        using X509Certificate2 certificateOnly = PemFile.LoadCertificate(certificatePath);
        using X509Certificate2 withKey = PemFile.LoadWithKey(certificatePath, keyPath);

        Assert.False(certificateOnly.HasPrivateKey);
        Assert.True(withKey.HasPrivateKey);
        Assert.Equal(certificateOnly.Thumbprint, withKey.Thumbprint);
        Assert.Equal("CN=hamaster-ca", ca.Subject);
        Assert.True(TrustValidation.IsTrustedBy(withKey, ca, out string? problem), problem);
    }
}
