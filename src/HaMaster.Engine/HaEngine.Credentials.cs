using HaMaster.Engine.Certificates;
using HaMaster.Engine.Credentials;
using HaMaster.Engine.Errors;
using HaMaster.Engine.Pki;

namespace HaMaster.Engine;

/// <summary>What Export-HaKubeConfig asks for; <paramref name="Path"/> is the kubeconfig to merge into.</summary>
public sealed record KubeConfigRequest(string Cluster, string UserName, TimeSpan ValidFor, string Path);

/// <summary>Credentials and certificates of the cluster (docs/design.md §10.3).</summary>
public sealed partial class HaEngine
{
    public const string DefaultUserName = "hamaster-admin";
    public static readonly TimeSpan DefaultCredentialValidity = TimeSpan.FromHours(24);

    /// <summary>
    /// The certificates of <paramref name="cluster"/> in its state folder: with <paramref name="replicas"/>,
    /// those replicas' own; without, the cluster-wide ones too.
    /// </summary>
    public IReadOnlyList<HaCertificate> GetCertificates(string cluster, IReadOnlyCollection<string>? replicas)
    {
        var state = _store.Load(cluster);
        foreach (var name in replicas ?? [])
            if (state.FindReplica(name) is null)
                throw HaErrors.ReplicaNotFound(state.Name, name);
        var all = CertificateInventory.Read(state, new ClusterPki(_store.Directory.PkiDirectory(state.Name)), DateTimeOffset.UtcNow);
        return replicas is null ? all : all.Where(c => replicas.Contains(c.Replica, StringComparer.OrdinalIgnoreCase)).ToList();
    }

    /// <summary>
    /// Issues an administrator's client certificate from the cluster CA and merges a context for it into
    /// a kubeconfig. It changes nothing of the cluster, so it takes no lock and writes no journal.
    /// </summary>
    public HaKubeConfig ExportKubeConfig(KubeConfigRequest request)
    {
        var state = _store.Load(request.Cluster);
        var pki = new ClusterPki(_store.Directory.PkiDirectory(state.Name));
        var credential = pki.IssueAdministrator(request.UserName, request.ValidFor, DateTimeOffset.UtcNow);
        var context = $"hamaster-{state.Name}";
        var written = KubeConfigFile.Merge(request.Path,
            new KubeConfigEntry(context, state.Endpoint, pki.ClusterCaPem(), credential.CertificatePem, credential.PrivateKeyPem));
        using var certificate = PemCertificateLoader.CertificateOnly(credential.CertificatePem);
        return new HaKubeConfig
        {
            Cluster = state.Name,
            Context = context,
            UserName = request.UserName,
            Server = state.Endpoint,
            Path = written,
            ExpiresAt = new DateTimeOffset(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero),
            Thumbprint = certificate.Thumbprint,
        };
    }
}
