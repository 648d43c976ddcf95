using System.Net;

namespace HaMaster.Engine.Certificates;

/// <summary>Describes a leaf certificate to be issued by a <see cref="CertificateAuthority"/>.</summary>
public sealed record CertificateRequestSpec(
    string CommonName,
    IReadOnlyList<string> DnsNames,
    IReadOnlyList<IPAddress> IpAddresses,
    CertificateUsage Usage);
