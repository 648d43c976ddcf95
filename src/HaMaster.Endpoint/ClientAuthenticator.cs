using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace HaMaster.Endpoint;

/// <summary>
/// Authenticates client certificates against the configured client CAs (kube-apiserver's --client-ca-file):
/// a certificate must chain to one of them, be in its validity period and allow client authentication.
/// </summary>
public sealed class ClientAuthenticator(X509Certificate2Collection clientCas)
{
    private static readonly Oid ClientAuthentication = new("1.3.6.1.5.5.7.3.2");

    /// <summary>The CA names sent in the TLS handshake; null when there are none to send.</summary>
    public SslCertificateTrust? HandshakeTrust { get; } =
        clientCas.Count == 0 ? null : SslCertificateTrust.CreateForX509Collection(clientCas, sendTrustInHandshake: true);

    public ClientIdentity Authenticate(X509Certificate? presented)
    {
        if (presented is null) return ClientIdentity.Anonymous;
        if (clientCas.Count == 0) return ClientIdentity.Unauthorized;

        using var certificate = new X509Certificate2(presented);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(clientCas);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ApplicationPolicy.Add(ClientAuthentication);
        if (!chain.Build(certificate)) return ClientIdentity.Unauthorized;

        var user = certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false);
        if (string.IsNullOrEmpty(user)) return ClientIdentity.Unauthorized;
        var groups = certificate.SubjectName.EnumerateRelativeDistinguishedNames()
            .Where(name => name.GetSingleElementType().Value == "2.5.4.10")
            .Select(name => name.GetSingleElementValue() ?? "")
            .ToList();
        return new ClientIdentity(user, [.. groups, "system:authenticated"], Rejected: false);
    }
}
