using System.Net;
using System.Security.Cryptography.X509Certificates;
using Xunit;

namespace HaMaster.Engine.Tests.Certificates;

/// <summary>Reads back what the .NET X509 types see in a generated certificate.</summary>
internal static class CertificateInspection
{
    public const string ServerAuthenticationOid = "1.3.6.1.5.5.7.3.1";
    public const string ClientAuthenticationOid = "1.3.6.1.5.5.7.3.2";

    private const string EcPublicKeyOid = "1.2.840.10045.2.1";

    // DER encoding of the named-curve OID 1.2.840.10045.3.1.7 (NIST P-256).
    private static readonly byte[] P256CurveParameters = [0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07];

    public static string[] DnsNames(X509Certificate2 certificate) =>
        AlternativeNames(certificate)?.EnumerateDnsNames().Order(StringComparer.Ordinal).ToArray() ?? [];

    public static string[] IpAddresses(X509Certificate2 certificate) =>
        AlternativeNames(certificate)?.EnumerateIPAddresses().Select(address => address.ToString()).Order(StringComparer.Ordinal).ToArray() ?? [];

    public static X509SubjectAlternativeNameExtension? AlternativeNames(X509Certificate2 certificate) =>
        certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().SingleOrDefault();

    public static string[] ExtendedKeyUsages(X509Certificate2 certificate)
    {
        X509EnhancedKeyUsageExtension extension = certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single();
        return extension.EnhancedKeyUsages.Cast<System.Security.Cryptography.Oid>()
            .Select(oid => oid.Value!)
            .Order(StringComparer.Ordinal)
            .ToArray();
    }

    public static void AssertP256PublicKey(X509Certificate2 certificate)
    {
        Assert.Equal(EcPublicKeyOid, certificate.PublicKey.Oid.Value);
        byte[]? curveParameters = certificate.PublicKey.EncodedParameters?.RawData;
        Assert.NotNull(curveParameters);
        Assert.Equal(P256CurveParameters, curveParameters);
        using var key = certificate.GetECDsaPublicKey();
        Assert.NotNull(key);
        Assert.Equal(256, key.KeySize);
    }

    public static void AssertValidity(X509Certificate2 certificate, DateTimeOffset issuedAt, int years)
    {
        DateTime expectedNotBefore = (issuedAt - TimeSpan.FromMinutes(5)).UtcDateTime;
        DateTime expectedNotAfter = issuedAt.AddYears(years).UtcDateTime;
        TimeSpan tolerance = TimeSpan.FromSeconds(1);

        Assert.InRange(certificate.NotBefore.ToUniversalTime(), expectedNotBefore - tolerance, expectedNotBefore + tolerance);
        Assert.InRange(certificate.NotAfter.ToUniversalTime(), expectedNotAfter - tolerance, expectedNotAfter + tolerance);
    }

    public static string[] Sorted(params string[] values) => values.Order(StringComparer.Ordinal).ToArray();

    public static string[] SortedAddresses(params IPAddress[] addresses) =>
        addresses.Select(address => address.ToString()).Order(StringComparer.Ordinal).ToArray();
}
