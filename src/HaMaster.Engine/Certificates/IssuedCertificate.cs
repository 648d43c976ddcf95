using System.Security.Cryptography.X509Certificates;

namespace HaMaster.Engine.Certificates;

/// <summary>A leaf certificate and its PKCS#8 private key, both PEM encoded.</summary>
public sealed record IssuedCertificate(string CertificatePem, string PrivateKeyPem)
{
    /// <summary>
    /// The certificate with its private key attached, usable as an SslStream server
    /// certificate or as a client certificate.
    /// </summary>
    public X509Certificate2 ToX509() => PemCertificateLoader.WithPrivateKey(CertificatePem, PrivateKeyPem);
}
