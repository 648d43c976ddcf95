using HaMaster.Engine.Certificates;
using HaMaster.Engine.State;
using HaMaster.Gce.Bootstrap;
using HaMaster.Gce.Ssh;

namespace HaMaster.Gce;

/// <summary>
/// The key files the module keeps per cluster, owner-only in <c>&lt;state&gt;/clusters/&lt;c&gt;/gce/</c>, each
/// made on first use: the module's SSH key (authorized on every replica, for the tunnels to etcd) and
/// the service-account signing key every replica's API server gets.
/// </summary>
public sealed class GceKeyFiles(StateDirectory directory)
{
    public const string SshKeyFile = "ssh-key";
    public const string ServiceAccountKeyFile = "service-account.key";

    /// <summary><c>&lt;state&gt;/clusters/&lt;c&gt;/gce</c>.</summary>
    public string Folder(string cluster) => Path.Combine(directory.ClusterDirectory(cluster), "gce");

    /// <summary>The cluster's SSH key pair.</summary>
    public SshKeyPair SshKey(string cluster)
    {
        var path = Path.Combine(EnsureFolder(cluster), SshKeyFile);
        var comment = $"hamaster-{cluster}";
        if (File.Exists(path)) return SshKeyPair.Load(path, comment);
        var key = SshKeyPair.Generate(comment);
        key.WritePrivateKey(path);
        return key;
    }

    /// <summary>The cluster's service-account signing key (PEM).</summary>
    public string ServiceAccountKey(string cluster)
    {
        var path = Path.Combine(EnsureFolder(cluster), ServiceAccountKeyFile);
        if (File.Exists(path)) return File.ReadAllText(path);
        var pem = ReplicaMetadata.NewServiceAccountKeyPem();
        PemFile.WritePrivateKey(path, pem);
        return pem;
    }

    private string EnsureFolder(string cluster)
    {
        var folder = Folder(cluster);
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(folder);
        else Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return folder;
    }
}
