using System.Management.Automation;
using HaMaster.Completion;

namespace HaMaster.Commands;

/// <summary>
/// <para type="synopsis">Gives etcd's free space back to the disk, one member at a time, and clears a NOSPACE alarm, without taking the cluster down.</para>
/// <para type="description">Compacts etcd's key history to the current revision, then defragments each member's database: followers first and the leader last, each taken out of the load balancer first (a member answers nothing while it defragments), leadership handed on before the leader's turn, and each served again before the next one is touched, so the cluster address keeps answering (a one-replica cluster does not, and is warned about). Once every member's database is under the quota (New-HaCluster -EtcdQuotaBytes) again, a NOSPACE alarm is disarmed and the cluster takes writes again; if a database is still at its quota the alarm stays, with a warning. Reports the space each member gave back. It needs every replica healthy (ClusterUnhealthy otherwise; a NOSPACE alarm does not count). An interrupted run is finished by the next command on the cluster. Get-EtcdMember shows each member's DbSize, DbSizeInUse and Fragmentation, to see whether it is worth running.</para>
/// </summary>
/// <example title="Free the space after deleting many objects">
/// <code>
/// Optimize-HaCluster -Cluster demo
/// </code>
/// <para>Compacts and defragments every member of demo and lists, per member, its database size before and after.</para>
/// </example>
/// <example title="Bring a full cluster back to taking writes">
/// <code>
/// Get-HaCluster demo
/// Optimize-HaCluster -Cluster demo
/// </code>
/// <para>Get-HaCluster shows the NOSPACE problem; after deleting what is not needed, Optimize-HaCluster gives the space back and disarms the alarm (AlarmsCleared).</para>
/// </example>
/// <returns>One EtcdDefragmentation per member: its database size before and after, the space reclaimed, how long it was out of service and the alarms cleared.</returns>
/// <seealso cref="GetEtcdMemberCommand"/>
[Cmdlet(VerbsCommon.Optimize, "HaCluster", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(EtcdDefragmentation))]
public sealed class OptimizeHaClusterCommand : HaCmdlet
{
    /// <summary>
    /// The name of the cluster. Required; no wildcards. Accepts a cluster name, or the Cluster property of a piped HaCluster. An unknown name fails with the error ClusterNotFound.
    /// </summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(ClusterNameCompleter))]
    public string Cluster { get; set; } = "";

    protected override void ProcessRecord() => ForEachInput(() =>
    {
        if (!ShouldProcess(Cluster, "Compact etcd's history and defragment each member, one at a time")) return;
        foreach (var member in Run((engine, token) => engine.OptimizeAsync(Cluster, token)))
            WriteObject(member);
    });
}
