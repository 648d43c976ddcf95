using System.Security.Cryptography;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.OpenSsl;
using Org.BouncyCastle.Pkcs;
using Org.BouncyCastle.Security;
using BcCertificate = Org.BouncyCastle.X509.X509Certificate;

namespace HaMaster.Engine.Certificates;

/// <summary>PEM reading and writing and key checks for <see cref="CertificateAuthority"/>, with BouncyCastle.</summary>
internal static class BouncyCastlePem
{
    // A loaded authority may have been made elsewhere with an RSA key.
    internal static string SignatureAlgorithmFor(AsymmetricKeyParameter key) =>
        key is RsaKeyParameters ? "SHA256WITHRSA" : "SHA256WITHECDSA";

    internal static bool KeyBelongsToCertificate(AsymmetricKeyParameter privateKey, BcCertificate certificate)
    {
        byte[] probe = RandomNumberGenerator.GetBytes(32);
        string algorithm = SignatureAlgorithmFor(privateKey);
        try
        {
            ISigner signer = SignerUtilities.GetSigner(algorithm);
            signer.Init(true, privateKey);
            signer.BlockUpdate(probe, 0, probe.Length);
            byte[] signature = signer.GenerateSignature();

            ISigner verifier = SignerUtilities.GetSigner(algorithm);
            verifier.Init(false, certificate.GetPublicKey());
            verifier.BlockUpdate(probe, 0, probe.Length);
            return verifier.VerifySignature(signature);
        }
        catch (InvalidKeyException)
        {
            return false;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    internal static BcCertificate ReadCertificate(string certificatePem)
    {
        object? pemObject = ReadPemObject(certificatePem, nameof(certificatePem));
        return pemObject as BcCertificate
            ?? throw new ArgumentException("The PEM text does not start with a CERTIFICATE block.", nameof(certificatePem));
    }

    internal static AsymmetricKeyParameter ReadPrivateKey(string privateKeyPem)
    {
        object? pemObject = ReadPemObject(privateKeyPem, nameof(privateKeyPem));
        AsymmetricKeyParameter? key = pemObject switch
        {
            AsymmetricCipherKeyPair pair => pair.Private,
            AsymmetricKeyParameter { IsPrivate: true } privateKey => privateKey,
            _ => null,
        };
        return key ?? throw new ArgumentException("The PEM text does not hold an unencrypted private key.", nameof(privateKeyPem));
    }

    private static object? ReadPemObject(string pem, string parameterName)
    {
        try
        {
            using var reader = new StringReader(pem);
            return new PemReader(reader).ReadObject();
        }
        catch (Exception exception) when (exception is IOException or PemException or InvalidOperationException)
        {
            throw new ArgumentException($"The PEM text could not be read: {exception.Message}", parameterName, exception);
        }
    }

    internal static string ToCertificatePem(BcCertificate certificate) =>
        PemEncoding.WriteString("CERTIFICATE", certificate.GetEncoded()) + "\n";

    internal static string ToPrivateKeyPem(AsymmetricKeyParameter privateKey) =>
        PemEncoding.WriteString("PRIVATE KEY", PrivateKeyInfoFactory.CreatePrivateKeyInfo(privateKey).GetEncoded()) + "\n";
}
