using System.Net;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Sec;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Operators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.X509;
using Org.BouncyCastle.X509.Extension;
using BcCertificate = Org.BouncyCastle.X509.X509Certificate;

namespace HaMaster.Engine.Certificates;

/// <summary>
/// A private certificate authority (ECDSA P-256, SHA-256) that issues the cluster's
/// server, peer and client certificates.
/// </summary>
public sealed class CertificateAuthority
{
    /// <summary>How far NotBefore is set before "now", to tolerate clock skew between hosts.</summary>
    public static readonly TimeSpan Backdating = TimeSpan.FromMinutes(5);

    private const int AuthorityValidityYears = 10;
    private const int LeafValidityYears = 1;
    private const int SerialNumberBytes = 16;

    private readonly BcCertificate _certificate;
    private readonly AsymmetricKeyParameter _privateKey;
    private readonly byte[] _keyIdentifier;

    private CertificateAuthority(BcCertificate certificate, AsymmetricKeyParameter privateKey)
    {
        _certificate = certificate;
        _privateKey = privateKey;
        _keyIdentifier = KeyIdentifierOf(certificate);
        CertificatePem = BouncyCastlePem.ToCertificatePem(certificate);
        PrivateKeyPem = BouncyCastlePem.ToPrivateKeyPem(privateKey);
    }

    public string CertificatePem { get; }

    /// <summary>The authority's private key as PKCS#8 PEM ("BEGIN PRIVATE KEY").</summary>
    public string PrivateKeyPem { get; }

    public static CertificateAuthority Create(string commonName, DateTimeOffset now)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(commonName);

        var random = new SecureRandom();
        AsymmetricCipherKeyPair keyPair = GenerateP256KeyPair(random);
        X509Name subject = NameWithCommonName(commonName);

        var generator = new X509V3CertificateGenerator();
        generator.SetSerialNumber(RandomSerialNumber(random));
        generator.SetIssuerDN(subject);
        generator.SetSubjectDN(subject);
        generator.SetNotBefore(WholeSecondsUtc(now - Backdating));
        generator.SetNotAfter(WholeSecondsUtc(now.AddYears(AuthorityValidityYears)));
        generator.SetPublicKey(keyPair.Public);
        generator.AddExtension(X509Extensions.BasicConstraints, true, new BasicConstraints(true));
        generator.AddExtension(X509Extensions.KeyUsage, true, new KeyUsage(KeyUsage.KeyCertSign | KeyUsage.CrlSign));
        generator.AddExtension(X509Extensions.SubjectKeyIdentifier, false, SubjectKeyIdentifierOf(keyPair.Public));

        BcCertificate certificate = generator.Generate(SignatureFactory(keyPair.Private, random));
        return new CertificateAuthority(certificate, keyPair.Private);
    }

    /// <summary>
    /// Loads an authority from its certificate and private key (PKCS#8, or a traditional
    /// "EC PRIVATE KEY"/"RSA PRIVATE KEY" block).
    /// </summary>
    public static CertificateAuthority Load(string certificatePem, string privateKeyPem)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(certificatePem);
        ArgumentException.ThrowIfNullOrWhiteSpace(privateKeyPem);

        BcCertificate certificate = BouncyCastlePem.ReadCertificate(certificatePem);
        AsymmetricKeyParameter privateKey = BouncyCastlePem.ReadPrivateKey(privateKeyPem);

        if (certificate.GetBasicConstraints() < 0)
        {
            throw new ArgumentException("The certificate is not a certificate authority (BasicConstraints CA is not set).", nameof(certificatePem));
        }

        if (!BouncyCastlePem.KeyBelongsToCertificate(privateKey, certificate))
        {
            throw new ArgumentException("The private key does not belong to the certificate.", nameof(privateKeyPem));
        }

        return new CertificateAuthority(certificate, privateKey);
    }

    /// <summary>When the authority itself expires; no certificate it issues outlives it.</summary>
    public DateTimeOffset NotAfter => new(_certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero);

    /// <summary>
    /// Issues a leaf certificate with a fresh ECDSA P-256 key, backdated by <see cref="Backdating"/>.
    /// Without <paramref name="validFor"/> it is valid for one year, cut at the authority's own expiry;
    /// a <paramref name="validFor"/> that would outlive the authority is refused.
    /// </summary>
    public IssuedCertificate Issue(CertificateRequestSpec spec, DateTimeOffset now, TimeSpan? validFor = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        Validate(spec);
        if (validFor is { } asked && (asked <= TimeSpan.Zero || now + asked > NotAfter))
        {
            throw new ArgumentOutOfRangeException(nameof(validFor), asked, $"A certificate must be valid for a positive time that ends before the authority expires ({NotAfter:u}).");
        }

        DateTime notBefore = WholeSecondsUtc(now - Backdating);
        DateTime notAfter = WholeSecondsUtc(validFor is { } span ? now + span : now.AddYears(LeafValidityYears));
        if (notAfter > _certificate.NotAfter.ToUniversalTime())
        {
            notAfter = _certificate.NotAfter.ToUniversalTime();
        }

        if (notAfter <= now.UtcDateTime)
        {
            throw new InvalidOperationException($"The certificate authority expired at {_certificate.NotAfter:O}.");
        }

        var random = new SecureRandom();
        AsymmetricCipherKeyPair keyPair = GenerateP256KeyPair(random);

        var generator = new X509V3CertificateGenerator();
        generator.SetSerialNumber(RandomSerialNumber(random));
        generator.SetIssuerDN(_certificate.SubjectDN);
        generator.SetSubjectDN(NameWithCommonName(spec.CommonName, spec.Organization));
        generator.SetNotBefore(notBefore);
        generator.SetNotAfter(notAfter);
        generator.SetPublicKey(keyPair.Public);
        generator.AddExtension(X509Extensions.BasicConstraints, true, new BasicConstraints(false));
        generator.AddExtension(X509Extensions.KeyUsage, true, new KeyUsage(KeyUsage.DigitalSignature));
        generator.AddExtension(X509Extensions.ExtendedKeyUsage, false, ExtendedKeyUsageFor(spec.Usage));
        generator.AddExtension(X509Extensions.AuthorityKeyIdentifier, false, new AuthorityKeyIdentifier(_keyIdentifier));
        generator.AddExtension(X509Extensions.SubjectKeyIdentifier, false, SubjectKeyIdentifierOf(keyPair.Public));

        GeneralNames? alternativeNames = SubjectAlternativeNamesFor(spec);
        if (alternativeNames is not null)
        {
            generator.AddExtension(X509Extensions.SubjectAlternativeName, false, alternativeNames);
        }

        BcCertificate certificate = generator.Generate(SignatureFactory(_privateKey, random));
        return new IssuedCertificate(BouncyCastlePem.ToCertificatePem(certificate), BouncyCastlePem.ToPrivateKeyPem(keyPair.Private));
    }

    private static void Validate(CertificateRequestSpec spec)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(spec.CommonName, nameof(spec.CommonName));
        ArgumentNullException.ThrowIfNull(spec.DnsNames, nameof(spec.DnsNames));
        ArgumentNullException.ThrowIfNull(spec.IpAddresses, nameof(spec.IpAddresses));

        const CertificateUsage knownUsages = CertificateUsage.Server | CertificateUsage.Client;
        if (spec.Usage == 0 || (spec.Usage & ~knownUsages) != 0)
        {
            throw new ArgumentException($"Usage must be Server, Client or both, not '{spec.Usage}'.", nameof(spec));
        }

        foreach (string dnsName in spec.DnsNames)
        {
            if (Uri.CheckHostName(dnsName) != UriHostNameType.Dns)
            {
                throw new ArgumentException($"'{dnsName}' is not a valid DNS name.", nameof(spec));
            }
        }

        foreach (IPAddress? address in spec.IpAddresses)
        {
            ArgumentNullException.ThrowIfNull(address, nameof(spec.IpAddresses));
        }
    }

    private static ExtendedKeyUsage ExtendedKeyUsageFor(CertificateUsage usage)
    {
        var purposes = new List<KeyPurposeID>();
        if (usage.HasFlag(CertificateUsage.Server))
        {
            purposes.Add(KeyPurposeID.id_kp_serverAuth);
        }

        if (usage.HasFlag(CertificateUsage.Client))
        {
            purposes.Add(KeyPurposeID.id_kp_clientAuth);
        }

        return new ExtendedKeyUsage(purposes.ToArray());
    }

    private static GeneralNames? SubjectAlternativeNamesFor(CertificateRequestSpec spec)
    {
        var names = new List<GeneralName>();
        foreach (string dnsName in spec.DnsNames.Distinct(StringComparer.OrdinalIgnoreCase))
        {
            names.Add(new GeneralName(GeneralName.DnsName, dnsName));
        }

        foreach (IPAddress address in spec.IpAddresses.Distinct())
        {
            names.Add(new GeneralName(GeneralName.IPAddress, new DerOctetString(address.GetAddressBytes())));
        }

        return names.Count == 0 ? null : new GeneralNames(names.ToArray());
    }

    private static AsymmetricCipherKeyPair GenerateP256KeyPair(SecureRandom random)
    {
        var generator = new ECKeyPairGenerator("EC");
        generator.Init(new ECKeyGenerationParameters(SecObjectIdentifiers.SecP256r1, random));
        return generator.GenerateKeyPair();
    }

    private static ISignatureFactory SignatureFactory(AsymmetricKeyParameter signingKey, SecureRandom random) =>
        new Asn1SignatureFactory(BouncyCastlePem.SignatureAlgorithmFor(signingKey), signingKey, random);

    private static BigInteger RandomSerialNumber(SecureRandom random)
    {
        var bytes = new byte[SerialNumberBytes];
        BigInteger serial;
        do
        {
            random.NextBytes(bytes);
            serial = new BigInteger(1, bytes);
        }
        while (serial.SignValue == 0);

        return serial;
    }

    private static X509Name NameWithCommonName(string commonName, string? organization = null) =>
        organization is null
            ? new(new List<DerObjectIdentifier> { X509Name.CN }, new List<string> { commonName })
            : new(new List<DerObjectIdentifier> { X509Name.O, X509Name.CN }, new List<string> { organization, commonName });

    private static DateTime WholeSecondsUtc(DateTimeOffset instant)
    {
        DateTime utc = instant.UtcDateTime;
        return new DateTime(utc.Ticks - (utc.Ticks % TimeSpan.TicksPerSecond), DateTimeKind.Utc);
    }

    private static SubjectKeyIdentifier SubjectKeyIdentifierOf(AsymmetricKeyParameter publicKey) =>
        X509ExtensionUtilities.CreateSubjectKeyIdentifier(publicKey);

    private static byte[] KeyIdentifierOf(BcCertificate certificate)
    {
        Asn1OctetString? extension = certificate.GetExtensionValue(X509Extensions.SubjectKeyIdentifier);
        SubjectKeyIdentifier identifier = extension is null
            ? SubjectKeyIdentifierOf(certificate.GetPublicKey())
            : SubjectKeyIdentifier.GetInstance(Asn1Object.FromByteArray(extension.GetOctets()));
        return identifier.GetKeyIdentifier();
    }
}
