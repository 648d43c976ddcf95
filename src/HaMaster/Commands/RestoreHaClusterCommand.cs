using System.Management.Automation;
using HaMaster.Completion;
using HaMaster.Engine;

namespace HaMaster.Commands;

/// <summary>
/// <para type="synopsis">Brings a cluster that lost its etcd quorum back from a backup or a surviving replica's data.</para>
/// <para type="description">The only command that acts on a cluster without quorum. It proves its source before it touches anything: a backup (-Backup, or -Path with a backup's or any etcd snapshot file) is verified against its manifest and etcd's own integrity hash; a replica's data (-FromReplica) is streamed into a verified backup first. With no source named, it takes the freshest it can prove: a surviving member whose data is newer than the newest verified backup, else that backup, and says which and at what revision. Then it stops every replica (API endpoint, then etcd), restores the snapshot with etcd's own tool into one replica under a new cluster identity (new member ids; on Gce the snapshot is uploaded to the replica's VM over SFTP and its startup script restores it at boot with the release's etcdutl), starts it as the whole cluster with the cluster address on it, removes the other replicas with their data, and adds replicas back one at a time up to -ReplicaCount. Writes acknowledged after the source's revision are lost; the output and a warning say so. Every step is journaled: an interrupted restore is finished by the next command on the cluster (Restore-HaCluster again included), never run twice.</para>
/// </summary>
/// <example title="Come back from a lost quorum">
/// <code>
/// Restore-HaCluster -Cluster demo
/// </code>
/// <para>Restores demo from the freshest source it can prove (a surviving replica newer than the newest backup, else the newest verified backup), asks for confirmation, and grows the cluster back to as many replicas as it had.</para>
/// </example>
/// <example title="Restore the newest backup">
/// <code>
/// Get-HaClusterBackup -Cluster demo | Where Verified | Restore-HaCluster -Confirm:$false
/// </code>
/// <para>Each backup piped in binds its Cluster and Path; the last one listed, the newest, is the one restored last. To restore exactly one, name it: Restore-HaCluster -Cluster demo -Backup demo-20261205-101500-manual.</para>
/// </example>
/// <example title="Roll a healthy cluster back">
/// <code>
/// Restore-HaCluster -Cluster demo -Backup demo-20261205-101500-manual -Force -ReplicaCount 3
/// </code>
/// <para>-Force restores a cluster that still has quorum: every write after the backup's revision is lost, so the live data is backed up first.</para>
/// </example>
/// <returns>A HaClusterRestore: the source, its revision, the newest revision lost (when newer), and the cluster's replica count and status afterwards.</returns>
/// <seealso cref="BackupHaClusterCommand"/>
/// <seealso cref="GetHaClusterBackupCommand"/>
/// <seealso cref="RepairMasterReplicaCommand"/>
[Cmdlet(VerbsData.Restore, "HaCluster", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = FreshestSet)]
[OutputType(typeof(HaClusterRestore))]
public sealed class RestoreHaClusterCommand : HaCmdlet
{
    private const string FreshestSet = "Freshest";
    private const string BackupSet = "Backup";
    private const string PathSet = "Path";
    private const string ReplicaSet = "FromReplica";

    /// <summary>
    /// The name of the cluster to restore. Required; no wildcards. Accepts a cluster name, or the Cluster property of a piped object (a HaCluster, or a HaClusterBackup, whose Path binds too). An unknown name fails with the error ClusterNotFound.
    /// </summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(ClusterNameCompleter))]
    public string Cluster { get; set; } = "";

    /// <summary>
    /// The name of a backup in the cluster's backups folder (as Get-HaClusterBackup lists it). One that is missing fails with BackupNotFound; one that does not match its manifest, or is not an etcd snapshot, with BackupInvalid. Nothing is changed then.
    /// </summary>
    [Parameter(Mandatory = true, ParameterSetName = BackupSet)]
    public string Backup { get; set; } = "";

    /// <summary>
    /// An etcd snapshot file: a backup's (its manifest beside it is checked, including the cluster it was taken of), or one saved by etcdctl snapshot save. Binds the Path of a piped HaClusterBackup. A backup of another cluster fails with BackupOfAnotherCluster unless -Force is given.
    /// </summary>
    [Parameter(Mandatory = true, ParameterSetName = PathSet, ValueFromPipelineByPropertyName = true)]
    public string Path { get; set; } = "";

    /// <summary>
    /// Restores from this replica's own etcd data (started first when stopped), streamed into a verified backup before anything is stopped. A replica whose data is gone fails with ReplicaDataLost.
    /// </summary>
    [Parameter(Mandatory = true, ParameterSetName = ReplicaSet)]
    public string FromReplica { get; set; } = "";

    /// <summary>
    /// How many replicas the restored cluster grows back to, one at a time, in the zones the cluster had. By default as many as it had before the restore.
    /// </summary>
    [Parameter]
    [ValidateRange(1, 7)]
    public int ReplicaCount { get; set; }

    /// <summary>
    /// Restores a cluster that still has quorum (its live data is backed up first, and every write after the source's revision is lost), or a backup of another cluster; sets aside an interrupted restore instead of finishing it. It does not skip the confirmation: use -Confirm:$false for that. Off by default.
    /// </summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void ProcessRecord() => ForEachInput(() =>
    {
        var request = new RestoreRequest
        {
            Cluster = Cluster,
            BackupName = ParameterSetName == BackupSet ? Backup : null,
            SnapshotPath = ParameterSetName == PathSet ? GetUnresolvedProviderPathFromPSPath(Path) : null,
            FromReplica = ParameterSetName == ReplicaSet ? FromReplica : null,
            ReplicaCount = MyInvocation.BoundParameters.ContainsKey(nameof(ReplicaCount)) ? ReplicaCount : null,
            Force = Force,
        };
        var source = request.BackupName ?? request.SnapshotPath ?? (request.FromReplica is { } replica ? $"replica {replica}" : "the freshest source");
        if (!ShouldProcess(Cluster, $"Restore HA cluster from {source}, replacing every replica")) return;
        WriteObject(Run((engine, token) => engine.RestoreAsync(request, token)));
    });
}
