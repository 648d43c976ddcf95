using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace HaMaster.TestSupport;

/// <summary>
/// A throw-away ECDSA P-256 certificate authority, made apart from the product's own PKI code so that
/// tests of that code do not trust what they test. It issues TLS leaves in memory
/// (<see cref="Issue"/>) and, given a folder, as PEM files (<see cref="IssuePem"/>) beside its own
/// certificate (<see cref="CaFile"/>).
/// </summary>
/// <remarks>
/// Every leaf serves as TLS server and client (etcd uses one certificate for both, and for its peers):
/// key usage digital signature, extended key usages serverAuth and clientAuth. It names its name (as DNS
/// name, when it is one), "localhost", the given addresses and 127.0.0.1, and is valid from an hour ago
/// for seven days. The authority is valid from a day ago for thirty days.
/// </remarks>
public sealed class TestCertificateAuthority : IDisposable
{
    private static readonly Oid ServerAuth = new("1.3.6.1.5.5.7.3.1");
    private static readonly Oid ClientAuth = new("1.3.6.1.5.5.7.3.2");

    private readonly string? caFile;

    /// <summary>An authority named <paramref name="name"/> (its subject is CN=<paramref name="name"/>);
    /// with <paramref name="folder"/>, its certificate is written there at once as <c>{name}-ca.crt</c>.</summary>
    public TestCertificateAuthority(string name, string? folder = null)
    {
        Name = name;
        Folder = folder;
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(
            X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        Certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        if (folder is not null)
        {
            caFile = Path.Combine(folder, $"{name}-ca.crt");
            File.WriteAllText(caFile, Certificate.ExportCertificatePem());
        }
    }

    public string Name { get; }

    /// <summary>Where <see cref="CaFile"/> and the pairs of <see cref="IssuePem"/> go; null for an authority in memory only.</summary>
    public string? Folder { get; }

    /// <summary>The authority's certificate (with its private key, which signs the leaves).</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>The authority's certificate as a PEM file in <see cref="Folder"/>.</summary>
    public string CaFile => caFile ?? throw NoFolder();

    /// <summary>A leaf with its private key, named <paramref name="name"/> and <paramref name="addresses"/> (see the remarks).</summary>
    public X509Certificate2 Issue(string name, params IPAddress[] addresses)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        if (Uri.CheckHostName(name) == UriHostNameType.Dns && name != "localhost")
            names.AddDnsName(name);
        names.AddDnsName("localhost");
        foreach (var address in addresses.Append(IPAddress.Loopback).Distinct())
            names.AddIpAddress(address);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([ServerAuth, ClientAuth], false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Certificate, true, false));
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        using var issued = request.Create(Certificate, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddDays(7), serial);
        return issued.CopyWithPrivateKey(key);
    }

    /// <summary>Issues a leaf as <see cref="Issue"/> does and writes it to <see cref="Folder"/> as <c>{name}.crt</c> and <c>{name}.key</c>.</summary>
    public PemPair IssuePem(string name, params IPAddress[] addresses)
    {
        var folder = Folder ?? throw NoFolder();
        using var leaf = Issue(name, addresses);
        return PemPair.Write(leaf, folder, name);
    }

    public void Dispose() => Certificate.Dispose();

    private InvalidOperationException NoFolder() =>
        new($"test CA {Name} was made without a folder: it keeps its certificates in memory only.");
}
