using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace HaMaster.Engine.Certificates;

/// <summary>Checks peer certificates against the cluster's private certificate authority.</summary>
public static class TrustValidation
{
    private static readonly Oid ServerAuthentication = new("1.3.6.1.5.5.7.3.1");
    private static readonly Oid ClientAuthentication = new("1.3.6.1.5.5.7.3.2");

    /// <summary>
    /// True when <paramref name="presented"/> chains to exactly <paramref name="ca"/>,
    /// ignoring the system trust store; otherwise <paramref name="problem"/> says why not.
    /// </summary>
    public static bool IsTrustedBy(X509Certificate2 presented, X509Certificate2 ca, out string? problem) =>
        IsTrustedBy(presented, ca, requiredUsage: null, out problem);

    /// <summary>
    /// A certificate validation callback (SslStream, SocketsHttpHandler) that accepts only
    /// certificates issued by <paramref name="ca"/>. When <paramref name="expectedHost"/> is
    /// given, the certificate must also name that host (DNS name or IP address) in its
    /// subject alternative names. When the sender is an SslStream, the certificate must
    /// also carry the matching extended key usage: client authentication for a certificate
    /// a server receives, server authentication for one a client receives.
    /// </summary>
    public static RemoteCertificateValidationCallback CallbackTrusting(X509Certificate2 ca, string? expectedHost = null)
    {
        ArgumentNullException.ThrowIfNull(ca);

        // The system's own verdict is deliberately ignored: its chain errors come from
        // the private CA being absent from the system store, and its name check is
        // against whatever target host the caller happened to pass.
        return (sender, certificate, _, _) =>
        {
            if (certificate is null)
            {
                return false;
            }

            using X509Certificate2? owned = certificate is X509Certificate2 ? null : new X509Certificate2(certificate);
            X509Certificate2 presented = owned ?? (X509Certificate2)certificate;

            if (!IsTrustedBy(presented, ca, RequiredUsageFor(sender), out _))
            {
                return false;
            }

            return expectedHost is null || NamesHost(presented, expectedHost);
        };
    }

    /// <summary>
    /// Like <see cref="CallbackTrusting"/>, for a client that reaches many hosts through one handler
    /// (HttpClient, gRPC): the certificate must also name the host the connection was opened to, the
    /// address or DNS name of the URL (the SslStream's target host). Without a target host nothing is accepted.
    /// </summary>
    public static RemoteCertificateValidationCallback CallbackTrustingForTargetHost(X509Certificate2 ca)
    {
        RemoteCertificateValidationCallback trusted = CallbackTrusting(ca);
        return (sender, certificate, chain, errors) =>
        {
            if (sender is not SslStream { TargetHostName: { Length: > 0 } host } || certificate is null)
            {
                return false;
            }

            using X509Certificate2? owned = certificate is X509Certificate2 ? null : new X509Certificate2(certificate);
            return trusted(sender, certificate, chain, errors) && NamesHost(owned ?? (X509Certificate2)certificate, host);
        };
    }

    private static bool IsTrustedBy(X509Certificate2 presented, X509Certificate2 ca, Oid? requiredUsage, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(presented);
        ArgumentNullException.ThrowIfNull(ca);

        if (presented.RawData.AsSpan().SequenceEqual(ca.RawData))
        {
            problem = "The presented certificate is the certificate authority itself, not one it issued.";
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.DisableCertificateDownloads = true;
        if (requiredUsage is not null)
        {
            chain.ChainPolicy.ApplicationPolicy.Add(requiredUsage);
        }

        if (!chain.Build(presented))
        {
            problem = string.Join("; ", chain.ChainStatus.Select(status => $"{status.Status}: {status.StatusInformation.Trim()}"));
            return false;
        }

        X509Certificate2 root = chain.ChainElements[^1].Certificate;
        if (!root.RawData.AsSpan().SequenceEqual(ca.RawData))
        {
            problem = $"The chain ends in '{root.Subject}', not in the expected certificate authority '{ca.Subject}'.";
            return false;
        }

        problem = null;
        return true;
    }

    private static Oid? RequiredUsageFor(object? sender) => sender switch
    {
        SslStream { IsServer: true } => ClientAuthentication,
        SslStream => ServerAuthentication,
        _ => null,
    };

    private static bool NamesHost(X509Certificate2 certificate, string host)
    {
        X509SubjectAlternativeNameExtension? alternativeNames =
            certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().FirstOrDefault();
        if (alternativeNames is null)
        {
            return false;
        }

        string bareHost = host.Trim().TrimStart('[').TrimEnd(']');
        if (IPAddress.TryParse(bareHost, out IPAddress? address))
        {
            return alternativeNames.EnumerateIPAddresses().Any(address.Equals);
        }

        string dnsHost = bareHost.TrimEnd('.');
        return alternativeNames.EnumerateDnsNames()
            .Any(name => string.Equals(name.TrimEnd('.'), dnsHost, StringComparison.OrdinalIgnoreCase));
    }
}
