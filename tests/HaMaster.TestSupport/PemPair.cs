using System.Security.Cryptography.X509Certificates;

namespace HaMaster.TestSupport;

/// <summary>A certificate and its private key as PEM files (PKCS#8 key), the way etcd and the API endpoint read them.</summary>
public sealed record PemPair(string CertFile, string KeyFile)
{
    /// <summary>Writes <paramref name="certificate"/> and its ECDSA key as <c>{name}.crt</c> and <c>{name}.key</c> in <paramref name="folder"/>.</summary>
    public static PemPair Write(X509Certificate2 certificate, string folder, string name)
    {
        using var key = certificate.GetECDsaPrivateKey()
            ?? throw new ArgumentException($"certificate {certificate.Subject} has no ECDSA private key", nameof(certificate));
        var pair = new PemPair(Path.Combine(folder, $"{name}.crt"), Path.Combine(folder, $"{name}.key"));
        File.WriteAllText(pair.CertFile, certificate.ExportCertificatePem());
        File.WriteAllText(pair.KeyFile, key.ExportPkcs8PrivateKeyPem());
        return pair;
    }

    /// <summary>The certificate with its private key, read back from the files.</summary>
    public X509Certificate2 Load() => X509Certificate2.CreateFromPemFile(CertFile, KeyFile);
}
