using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using HaMaster.Engine.Model;

namespace HaMaster.Engine.Pki;

/// <summary>
/// The certificates a cluster keeps in its state folder, read for Get-HaCertificate and for the expiry
/// check of every health snapshot. A file that is missing (a replica not yet issued its own) or cannot
/// be parsed is left out: the component that needs it reports the failure.
/// </summary>
public static class CertificateInventory
{
    public const string ClusterCa = "ClusterCa";
    public const string EtcdCa = "EtcdCa";
    public const string EtcdClient = "EtcdClient";
    public const string ApiServer = "ApiServer";
    public const string EtcdMember = "EtcdMember";

    /// <summary>How close to its expiry a certificate becomes a problem of the cluster.</summary>
    public static readonly TimeSpan RenewalWindow = TimeSpan.FromDays(30);

    public static IReadOnlyList<HaCertificate> Read(ClusterState state, ClusterPki pki, DateTimeOffset now)
    {
        var found = new List<HaCertificate>();
        void Add(string replica, string usage, string file)
        {
            if (Describe(state.Name, replica, usage, file, now) is { } certificate) found.Add(certificate);
        }
        Add("", ClusterCa, pki.ClusterCaFile);
        Add("", EtcdCa, pki.EtcdCaFile);
        Add("", EtcdClient, pki.EtcdClientCertificateFile);
        foreach (var replica in state.Replicas)
        {
            var files = pki.FilesFor(replica.Name);
            Add(replica.Name, ApiServer, files.ApiCertificate);
            Add(replica.Name, EtcdMember, files.EtcdCertificate);
        }
        return found;
    }

    public static bool IsAuthority(HaCertificate certificate) => certificate.Usage is ClusterCa or EtcdCa;

    /// <summary>When the first leaf expires (the authorities last ten years); null when none was read.</summary>
    public static DateTimeOffset? FirstLeafExpiry(IReadOnlyList<HaCertificate> certificates) =>
        certificates.Where(c => !IsAuthority(c)).Select(c => (DateTimeOffset?)c.NotAfter).Min();

    /// <summary>The problem of a cluster whose leaves expire within <see cref="RenewalWindow"/> or have expired; null when none do.</summary>
    public static string? ExpiryProblem(string cluster, IReadOnlyList<HaCertificate> certificates)
    {
        var expiring = certificates.Where(c => !IsAuthority(c) && c.ExpiresIn <= RenewalWindow).OrderBy(c => c.NotAfter).ToList();
        if (expiring.Count == 0) return null;
        var first = expiring[0];
        var when = first.ExpiresIn <= TimeSpan.Zero
            ? $"expired at {first.NotAfter:u}"
            : $"expires at {first.NotAfter:u} (in {Span(first.ExpiresIn)})";
        var others = expiring.Count == 1 ? "" : $"; {expiring.Count - 1} more within {RenewalWindow.TotalDays:0} days";
        return $"certificate {first} {when}{others}: renew with Update-HaCertificate -Cluster {cluster}";
    }

    private static string Span(TimeSpan left) =>
        left >= TimeSpan.FromDays(2) ? $"{left.TotalDays:0} days"
        : left >= TimeSpan.FromHours(2) ? $"{left.TotalHours:0} hours"
        : $"{Math.Max(1, Math.Ceiling(left.TotalMinutes)):0} minutes";

    private static HaCertificate? Describe(string cluster, string replica, string usage, string file, DateTimeOffset now)
    {
        X509Certificate2 certificate;
        try
        {
            certificate = X509Certificate2.CreateFromPem(File.ReadAllText(file));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            return null;
        }
        using (certificate)
        {
            var names = certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().FirstOrDefault();
            var notAfter = new DateTimeOffset(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero);
            return new HaCertificate
            {
                Cluster = cluster,
                Replica = replica,
                Usage = usage,
                Subject = certificate.Subject,
                DnsNames = names?.EnumerateDnsNames().ToList() ?? [],
                IPAddresses = names?.EnumerateIPAddresses().Select(a => a.ToString()).ToList() ?? [],
                NotBefore = new DateTimeOffset(certificate.NotBefore.ToUniversalTime(), TimeSpan.Zero),
                NotAfter = notAfter,
                ExpiresIn = notAfter - now,
                Thumbprint = certificate.Thumbprint,
                Path = file,
            };
        }
    }
}
