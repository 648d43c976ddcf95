using System.Net;

namespace HaMaster.Engine.Certificates;

/// <summary>
/// Describes a leaf certificate to be issued by a <see cref="CertificateAuthority"/>. Kubernetes reads a
/// client certificate's common name as the user and its organization as the group.
/// </summary>
public sealed record CertificateRequestSpec(
    string CommonName,
    IReadOnlyList<string> DnsNames,
    IReadOnlyList<IPAddress> IpAddresses,
    CertificateUsage Usage,
    string? Organization = null);
