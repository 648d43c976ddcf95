using HaMaster.Engine.Errors;
using System.Security.Cryptography;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using HaMaster.Engine.Certificates;
using HaMaster.Engine.Etcd;
using HaMaster.Engine.Model;

namespace HaMaster.Engine.Pki;

/// <summary>
/// A cluster's certificates on disk: the cluster CA, the etcd CA, the module's own etcd client
/// identity and one API and one etcd key pair per replica. Private keys are owner-only, and so are
/// the folders that hold them.
/// </summary>
public sealed class ClusterPki
{
    public ClusterPki(string directory) => Directory = directory;

    public string Directory { get; }
    public string ClusterCaFile => Path.Combine(Directory, "ca.crt");
    private string ClusterCaKeyFile => Path.Combine(Directory, "ca.key");
    public string EtcdCaFile => Path.Combine(Directory, "etcd-ca.crt");
    private string EtcdCaKeyFile => Path.Combine(Directory, "etcd-ca.key");
    public string EtcdClientCertificateFile => Path.Combine(Directory, "etcd-client.crt");
    private string EtcdClientKeyFile => Path.Combine(Directory, "etcd-client.key");

    public bool Exists => File.Exists(ClusterCaFile) && File.Exists(EtcdCaFile);

    /// <summary>How long a cluster's certificate authorities are valid; no leaf outlives them.</summary>
    public static readonly TimeSpan AuthorityValidity = TimeSpan.FromDays(3650);

    /// <summary>Refuses a leaf validity (New-HaCluster -CertificateValidity) that is not positive or outlives the authorities.</summary>
    public static void CheckLeafValidity(TimeSpan validity)
    {
        if (validity <= TimeSpan.Zero || validity > AuthorityValidity)
            throw new HaException(ErrorIds.InvalidCertificateValidity,
                $"Certificates cannot be valid for {validity}: the validity must be positive and at most {AuthorityValidity.TotalDays:0} days, the life of the cluster's certificate authorities.",
                "Give -CertificateValidity a time such as 365.00:00:00 (a year, the default) or 90.00:00:00.", validity);
    }

    /// <param name="leafValidity">How long the module's etcd client certificate is valid (default: a year).</param>
    public void CreateAuthorities(string cluster, DateTimeOffset now, TimeSpan? leafValidity = null)
    {
        CreateOwnerOnlyFolder(Directory);
        var clusterCa = CertificateAuthority.Create($"{cluster}-ca", now);
        PemFile.WriteCertificate(ClusterCaFile, clusterCa.CertificatePem);
        PemFile.WritePrivateKey(ClusterCaKeyFile, clusterCa.PrivateKeyPem);

        var etcdCa = CertificateAuthority.Create($"{cluster}-etcd-ca", now);
        PemFile.WriteCertificate(EtcdCaFile, etcdCa.CertificatePem);
        PemFile.WritePrivateKey(EtcdCaKeyFile, etcdCa.PrivateKeyPem);

        IssueEtcdClient(etcdCa, now, leafValidity ?? ClusterState.DefaultCertificateValidity);
    }

    /// <summary>Issues the module's own etcd client certificate again, with a new key.</summary>
    public void RenewEtcdClient(DateTimeOffset now, TimeSpan validity) =>
        IssueEtcdClient(LoadAuthority(EtcdCaFile, EtcdCaKeyFile), now, validity);

    private void IssueEtcdClient(CertificateAuthority etcdCa, DateTimeOffset now, TimeSpan validity)
    {
        var client = etcdCa.Issue(ClusterCertificates.Client("hamaster"), now, Capped(validity, etcdCa, now));
        PemFile.WriteCertificate(EtcdClientCertificateFile, client.CertificatePem);
        PemFile.WritePrivateKey(EtcdClientKeyFile, client.PrivateKeyPem);
    }

    public ReplicaCertificateFiles FilesFor(string replica)
    {
        if (replica.Length == 0 || replica != Path.GetFileName(replica) || replica is "." or "..")
            throw new ArgumentException($"'{replica}' is not a replica name.", nameof(replica));
        var folder = Path.Combine(Directory, "replicas", replica);
        return new ReplicaCertificateFiles(
            ClusterCaFile,
            EtcdCaFile,
            Path.Combine(folder, "apiserver.crt"),
            Path.Combine(folder, "apiserver.key"),
            Path.Combine(folder, "etcd.crt"),
            Path.Combine(folder, "etcd.key"));
    }

    /// <summary>Issues the replica's own API certificate (cluster CA) and etcd certificate (etcd CA), valid <paramref name="validity"/> (default: a year).</summary>
    public ReplicaCertificateFiles IssueReplica(string replica, IPAddress replicaAddress, IPAddress clusterAddress, DateTimeOffset now, TimeSpan? validity = null)
    {
        var files = FilesFor(replica);
        CreateOwnerOnlyFolder(Directory);
        CreateOwnerOnlyFolder(Path.Combine(Directory, "replicas"));
        CreateOwnerOnlyFolder(Path.GetDirectoryName(files.ApiKey)!);
        var clusterCa = LoadAuthority(ClusterCaFile, ClusterCaKeyFile);
        var api = clusterCa.Issue(ClusterCertificates.ApiServer(replica, replicaAddress, clusterAddress, ClusterCertificates.DefaultServiceAddress), now, Capped(validity ?? ClusterState.DefaultCertificateValidity, clusterCa, now));
        PemFile.WriteCertificate(files.ApiCertificate, api.CertificatePem);
        PemFile.WritePrivateKey(files.ApiKey, api.PrivateKeyPem);

        var etcdCa = LoadAuthority(EtcdCaFile, EtcdCaKeyFile);
        var etcd = etcdCa.Issue(ClusterCertificates.EtcdMember(replica, replicaAddress), now, Capped(validity ?? ClusterState.DefaultCertificateValidity, etcdCa, now));
        PemFile.WriteCertificate(files.EtcdCertificate, etcd.CertificatePem);
        PemFile.WritePrivateKey(files.EtcdKey, etcd.PrivateKeyPem);
        return files;
    }

    /// <summary>
    /// A cluster administrator's client certificate from the cluster CA (user <paramref name="userName"/>,
    /// group system:masters), valid <paramref name="validFor"/>; it is handed out, not kept.
    /// </summary>
    public IssuedCertificate IssueAdministrator(string userName, TimeSpan validFor, DateTimeOffset now)
    {
        var clusterCa = LoadAuthority(ClusterCaFile, ClusterCaKeyFile);
        if (validFor <= TimeSpan.Zero || now + validFor > clusterCa.NotAfter)
            throw new HaException(ErrorIds.InvalidCertificateValidity,
                $"A credential cannot be valid for {validFor}: it must be positive and end before the cluster CA expires ({clusterCa.NotAfter:u}).",
                $"Give -ValidFor a positive time of at most {Math.Floor((clusterCa.NotAfter - now).TotalDays)} days.", validFor);
        return clusterCa.Issue(ClusterCertificates.Administrator(userName), now, validFor);
    }

    /// <summary>A leaf ends with its authority at the latest (the CA's last years).</summary>
    private static TimeSpan Capped(TimeSpan validity, CertificateAuthority authority, DateTimeOffset now) =>
        now + validity > authority.NotAfter ? authority.NotAfter - now : validity;

    public string ClusterCaPem() => Readable(() => File.ReadAllText(ClusterCaFile));

    public void DeleteReplica(string replica)
    {
        var folder = Path.GetDirectoryName(FilesFor(replica).ApiCertificate)!;
        if (System.IO.Directory.Exists(folder)) System.IO.Directory.Delete(folder, recursive: true);
    }

    public EtcdCredentials LoadEtcdCredentials() =>
        new(Readable(() => PemFile.LoadCertificate(EtcdCaFile)),
            Readable(() => PemFile.LoadWithKey(EtcdClientCertificateFile, EtcdClientKeyFile), authority: false));

    public X509Certificate2 LoadClusterCa() => Readable(() => PemFile.LoadCertificate(ClusterCaFile));

    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>
    /// A folder that holds private keys is its owner's alone (0700), so others cannot even list the
    /// keys; a folder made before this rule is narrowed too.
    /// </summary>
    private static void CreateOwnerOnlyFolder(string folder)
    {
        if (OperatingSystem.IsWindows())
        {
            System.IO.Directory.CreateDirectory(folder);
            return;
        }
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(folder))!);
        System.IO.Directory.CreateDirectory(folder, OwnerOnly);
        if (File.GetUnixFileMode(folder) != OwnerOnly) File.SetUnixFileMode(folder, OwnerOnly);
    }

    private CertificateAuthority LoadAuthority(string certificateFile, string keyFile) =>
        Readable(() => CertificateAuthority.Load(File.ReadAllText(certificateFile), File.ReadAllText(keyFile)));

    /// <summary>
    /// A damaged or missing certificate or key file is reported as such, with what to do: an
    /// authority cannot be made again (every certificate hangs on it), a leaf can be issued anew.
    /// </summary>
    private T Readable<T>(Func<T> load, bool authority = true)
    {
        try
        {
            return load();
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException or IOException)
        {
            var cluster = Path.GetFileName(Path.GetDirectoryName(Path.GetFullPath(Directory)));
            throw new HaException(ErrorIds.StateCorrupt,
                $"A certificate or key of the cluster in '{Directory}' cannot be read: {e.Message}",
                authority
                    ? "Restore the cluster's pki folder from a copy; HaMaster cannot issue new certificates without its certificate authorities."
                    : $"Issue every leaf certificate anew from the cluster's authorities with Update-HaCertificate -Cluster {cluster} -Force (it restarts every replica at once), or restore the file from a copy.",
                Directory, e);
        }
    }
}
