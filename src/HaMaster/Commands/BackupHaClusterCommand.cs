using System.Management.Automation;
using HaMaster.Completion;

namespace HaMaster.Commands;

/// <summary>
/// <para type="synopsis">Takes a backup of a cluster: an etcd snapshot, verified before it counts.</para>
/// <para type="description">Streams an etcd snapshot from a healthy member (a follower when there is one) over the module's mutual TLS (on Gce through the SSH tunnel), writes it under a temporary name, checks etcd's own integrity hash, then renames it and writes a manifest beside it (cluster, source replica, revision, size, SHA-256, time, reason). A backup that cannot be verified never counts: a failure leaves nothing behind and reports the error BackupFailed. Manual backups are never pruned; Add-, Remove- and Repair-MasterReplica take their own automatic backups (safety rule 12).</para>
/// </summary>
/// <example title="Back up a cluster">
/// <code>
/// Backup-HaCluster -Cluster demo
/// </code>
/// <para>Takes a backup of demo into the backups folder of its state folder and shows it, with its revision and size.</para>
/// </example>
/// <example title="Back up every cluster to another disk">
/// <code>
/// Get-HaCluster | Backup-HaCluster -Path /mnt/backups
/// </code>
/// <para>Writes one backup of each cluster to /mnt/backups; Get-HaClusterBackup -Path /mnt/backups lists them.</para>
/// </example>
/// <returns>One HaClusterBackup per cluster backed up.</returns>
/// <seealso cref="GetHaClusterBackupCommand"/>
/// <seealso cref="RemoveHaClusterBackupCommand"/>
[Cmdlet(VerbsData.Backup, "HaCluster", SupportsShouldProcess = true)]
[OutputType(typeof(HaClusterBackup))]
public sealed class BackupHaClusterCommand : HaCmdlet
{
    /// <summary>
    /// The name of the cluster to back up. Required; no wildcards. Accepts a cluster name, or the Cluster property of a piped HaCluster or MasterReplica. An unknown name fails with the error ClusterNotFound.
    /// </summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(ClusterNameCompleter))]
    public string Cluster { get; set; } = "";

    /// <summary>
    /// The folder to write the backup to, created when missing. By default the cluster's backups folder in the state folder. A folder that cannot be written to fails with the error BackupPathNotWritable before anything is streamed.
    /// </summary>
    [Parameter]
    public string? Path { get; set; }

    protected override void ProcessRecord() => ForEachInput(() =>
    {
        var folder = Path is null ? null : GetUnresolvedProviderPathFromPSPath(Path);
        if (!ShouldProcess(Cluster, "Back up HA cluster")) return;
        WriteObject(Run((engine, token) => engine.BackupAsync(Cluster, folder, token)));
    });
}
