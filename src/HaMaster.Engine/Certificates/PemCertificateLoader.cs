using System.Security.Cryptography.X509Certificates;

namespace HaMaster.Engine.Certificates;

internal static class PemCertificateLoader
{
    public static X509Certificate2 CertificateOnly(string certificatePem) =>
        X509Certificate2.CreateFromPem(certificatePem);

    public static X509Certificate2 WithPrivateKey(string certificatePem, string privateKeyPem)
    {
        // A certificate built from PEM holds an ephemeral key, which some TLS stacks
        // (SChannel on Windows) refuse to use. A PKCS#12 round trip gives a key every
        // platform's SslStream accepts, for both server and client authentication.
        using var ephemeral = X509Certificate2.CreateFromPem(certificatePem, privateKeyPem);
        byte[] pkcs12 = ephemeral.Export(X509ContentType.Pkcs12);
#if NET9_0_OR_GREATER
        return X509CertificateLoader.LoadPkcs12(pkcs12, password: null);
#else
        return new X509Certificate2(pkcs12, (string?)null, X509KeyStorageFlags.DefaultKeySet);
#endif
    }
}
