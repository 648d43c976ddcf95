using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace HaMaster.Endpoint;

/// <summary>Loads PEM certificate files into forms that SslStream accepts on every platform.</summary>
public static class PemCertificates
{
    /// <summary>
    /// Loads a certificate with its private key. The key from a PEM file is ephemeral, which some
    /// platforms' TLS stacks refuse for servers, so the pair is round-tripped through PKCS#12.
    /// </summary>
    public static X509Certificate2 LoadWithPrivateKey(string certFile, string keyFile)
    {
        try
        {
            using X509Certificate2 ephemeral = X509Certificate2.CreateFromPemFile(certFile, keyFile);
            byte[] pkcs12 = ephemeral.Export(X509ContentType.Pkcs12);
#if NET9_0_OR_GREATER
            return X509CertificateLoader.LoadPkcs12(pkcs12, password: null);
#else
            return new X509Certificate2(pkcs12);
#endif
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            throw new EndpointConfigException($"cannot load certificate {certFile} with key {keyFile}: {e.Message}", e);
        }
    }

    /// <summary>All certificates in a PEM file (a CA bundle, or a leaf followed by its intermediates).</summary>
    public static X509Certificate2Collection LoadAll(string pemFile)
    {
        var certificates = new X509Certificate2Collection();
        try
        {
            certificates.ImportFromPemFile(pemFile);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            throw new EndpointConfigException($"cannot load certificates from {pemFile}: {e.Message}", e);
        }
        if (certificates.Count == 0)
            throw new EndpointConfigException($"no PEM certificate found in {pemFile}");
        return certificates;
    }
}
