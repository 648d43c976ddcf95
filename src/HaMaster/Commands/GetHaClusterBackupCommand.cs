using System.Management.Automation;
using HaMaster.Completion;

namespace HaMaster.Commands;

/// <summary>
/// <para type="synopsis">Lists a cluster's backups, oldest first, each checked against its file.</para>
/// <para type="description">Reads each backup's manifest and checks its snapshot file: the size and SHA-256 the manifest records, and etcd's own integrity hash. Verified is true only when all three hold; Problem says what is wrong otherwise (a missing, truncated or altered file). Lists the cluster's backups folder, or the folder given with -Path.</para>
/// </summary>
/// <example title="List the backups of a cluster">
/// <code>
/// Get-HaClusterBackup demo
/// </code>
/// <para>Shows every backup of demo with its reason, source replica, revision, size and whether it is verified.</para>
/// </example>
/// <example title="Find backups that can no longer be trusted">
/// <code>
/// Get-HaClusterBackup demo | Where-Object { -not $_.Verified } | Format-List Name, Problem
/// </code>
/// <para>Names every backup whose file is missing or altered, and says why.</para>
/// </example>
/// <returns>One HaClusterBackup per backup, oldest first.</returns>
/// <seealso cref="BackupHaClusterCommand"/>
/// <seealso cref="RemoveHaClusterBackupCommand"/>
[Cmdlet(VerbsCommon.Get, "HaClusterBackup")]
[OutputType(typeof(HaClusterBackup))]
public sealed class GetHaClusterBackupCommand : HaCmdlet
{
    /// <summary>
    /// The names of the clusters whose backups to list; also the Cluster property of piped objects. Without it, every cluster's backups (with -Path: every backup in that folder).
    /// </summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(ClusterNameCompleter))]
    public string[]? Cluster { get; set; }

    /// <summary>
    /// A folder to list instead of the clusters' own backups folders, such as one Backup-HaCluster -Path wrote to.
    /// </summary>
    [Parameter]
    public string? Path { get; set; }

    protected override void ProcessRecord() => ForEachInput(() =>
    {
        var engine = CreateEngine();
        var folder = Path is null ? null : GetUnresolvedProviderPathFromPSPath(Path);
        IEnumerable<string?> clusters = Cluster ?? (folder is null ? engine.ClusterNames().ToArray() : new string?[] { null });
        foreach (var cluster in clusters)
            foreach (var backup in engine.GetBackups(cluster, folder))
                WriteObject(backup);
    });
}
