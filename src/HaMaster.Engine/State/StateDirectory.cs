namespace HaMaster.Engine.State;

/// <summary>
/// Where HaMaster keeps what it knows: <c>$HaMasterHome</c> (a session variable), else
/// <c>$env:HAMASTER_HOME</c>, else <c>~/.hamaster</c>.
/// </summary>
public sealed class StateDirectory
{
    public const string EnvironmentVariable = "HAMASTER_HOME";

    public StateDirectory(string root) => Root = Path.GetFullPath(root);

    public string Root { get; }

    public static StateDirectory Resolve(string? sessionOverride)
    {
        if (!string.IsNullOrWhiteSpace(sessionOverride)) return new StateDirectory(sessionOverride);
        var fromEnvironment = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment)) return new StateDirectory(fromEnvironment);
        return new StateDirectory(Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".hamaster"));
    }

    public string ClustersRoot => Path.Combine(Root, "clusters");
    /// <summary>The cluster's folder; the name is validated first, so no name can reach outside the state folder.</summary>
    public string ClusterDirectory(string cluster)
    {
        Naming.ResourceNames.ValidateClusterName(cluster);
        return Path.Combine(ClustersRoot, cluster);
    }
    public string StateFile(string cluster) => Path.Combine(ClusterDirectory(cluster), "cluster.json");

    public const string PreviousSuffix = ".previous";

    /// <summary>The state as it was before its last save, kept so that a damaged state file can be put back.</summary>
    public string PreviousStateFile(string cluster) => StateFile(cluster) + PreviousSuffix;
    public string LockFile(string cluster) => Path.Combine(ClusterDirectory(cluster), "cluster.lock");
    /// <summary>Where a cluster's backups go unless Backup-HaCluster -Path says otherwise.</summary>
    public string BackupsDirectory(string cluster) => Path.Combine(ClusterDirectory(cluster), "backups");
    public string PkiDirectory(string cluster) => Path.Combine(ClusterDirectory(cluster), "pki");
    /// <summary>A replica's folder; a name HaMaster would not give (one that could reach outside the cluster's folder) is refused.</summary>
    public string ReplicaDirectory(string cluster, string replica) =>
        Naming.ResourceNames.BelongsTo(replica, cluster)
            ? Path.Combine(ClusterDirectory(cluster), "replicas", replica)
            : throw new ArgumentException($"'{replica}' is not a replica name of cluster '{cluster}'.", nameof(replica));
}
