using HaMaster.Engine.Certificates;
using HaMaster.Engine.Credentials;
using HaMaster.Engine.Errors;
using HaMaster.Engine.Flows;
using HaMaster.Engine.Model;
using HaMaster.Engine.Pki;
using HaMaster.Engine.Safety;

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
        var state = LoadCreated(cluster);
        foreach (var name in replicas ?? [])
            if (state.FindReplica(name) is null)
                throw HaErrors.ReplicaNotFound(state.Name, name);
        var all = CertificateInventory.Read(state, new ClusterPki(_store.Directory.PkiDirectory(state.Name)), DateTimeOffset.UtcNow);
        return replicas is null ? all : all.Where(c => replicas.Contains(c.Replica, StringComparer.OrdinalIgnoreCase)).ToList();
    }

    /// <summary>
    /// Renews every leaf certificate of <paramref name="cluster"/> with new keys: one replica at a time,
    /// followers first and the leader last, each out of service while it is renewed, so the cluster
    /// address keeps answering; the module's etcd client certificate last. With <paramref name="force"/>,
    /// all at once, the way back when they have expired and the cluster is down.
    /// </summary>
    public Task<IReadOnlyList<HaCertificate>> RenewCertificatesAsync(string cluster, bool force, CancellationToken cancellationToken) =>
        ChangeAsync(cluster, "Update-HaCertificate", async session =>
        {
            if (force)
            {
                await new RenewAllCertificatesFlow(session).RunAsync(cancellationToken).ConfigureAwait(false);
            }
            else
            {
                var health = await session.HealthGateAsync(cancellationToken).ConfigureAwait(false);
                SafetyRules.CheckCertificateRenewal(MembershipView.From(health));
                if (session.State.Replicas.Count == 1)
                    session.Observer.Warning($"Cluster '{cluster}' has one replica: the cluster address does not answer while it restarts with its new certificates. Add replicas first to renew without downtime.");
                foreach (var replica in health.Replicas.OrderBy(r => r.EtcdRole == EtcdRole.Leader).Select(r => r.Replica).ToList())
                    await new RenewReplicaCertificatesFlow(session, replica).RunAsync(cancellationToken).ConfigureAwait(false);
                session.Pki.RenewEtcdClient(DateTimeOffset.UtcNow, session.State.CertificateValidity);
            }
            return GetCertificates(cluster, null);
        }, cancellationToken);

    /// <summary>
    /// Issues an administrator's client certificate from the cluster CA and merges a context for it into
    /// a kubeconfig. It changes nothing of the cluster, so it takes no lock and writes no journal.
    /// </summary>
    public HaKubeConfig ExportKubeConfig(KubeConfigRequest request)
    {
        var state = LoadCreated(request.Cluster);
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
