using System.Management.Automation;

namespace HaMaster.Commands;

/// <summary>
/// <para type="synopsis">Removes one master replica safely.</para>
/// <para type="description">Takes the replica out of the load balancer and moves etcd leadership away from it, re-checks health and quorum, removes its etcd member through another member, stops it and wipes its data. Going from two replicas to one removes the load balancer and gives the cluster address back to the last replica. The last replica cannot be removed (use Remove-HaCluster). -Force allows removing a replica while another one is unhealthy, as long as quorum is kept.</para>
/// </summary>
/// <example title="Remove one replica">
/// <code>
/// Remove-MasterReplica -Cluster demo -Name demo-master-3f2
/// </code>
/// <para>Removes the replica demo-master-3f2 from the cluster demo. A warning says when the cluster is left with an even number of replicas.</para>
/// </example>
/// <example title="Preview a removal">
/// <code>
/// Get-MasterReplica -Cluster demo -Zone local-c | Remove-MasterReplica -WhatIf
/// </code>
/// <para>Shows which replicas of zone local-c would be removed, and removes nothing.</para>
/// </example>
/// <example title="Shrink the cluster by its failed replica">
/// <code>
/// Get-MasterReplica demo | Where Unhealthy | Remove-MasterReplica
/// </code>
/// <para>Shrinks the cluster by removing its unhealthy replica instead of replacing it. Removing the unhealthy replica is allowed on an unhealthy cluster; removing a healthy one is not, without -Force.</para>
/// </example>
/// <example title="Remove a replica while another one is down">
/// <code>
/// Remove-MasterReplica -Cluster demo -Name demo-master-3f2 -Force -PassThru
/// </code>
/// <para>Removes a replica while another replica is unhealthy (allowed with -Force as long as the etcd quorum is kept) and writes the removed replica, as it was just before, to the output.</para>
/// </example>
/// <returns>Nothing by default. With -PassThru, the MasterReplica that was removed, as it was just before the removal.</returns>
/// <seealso cref="GetMasterReplicaCommand"/>
/// <seealso cref="RepairMasterReplicaCommand"/>
/// <seealso cref="RemoveHaClusterCommand"/>
[Cmdlet(VerbsCommon.Remove, "MasterReplica", SupportsShouldProcess = true)]
[OutputType(typeof(MasterReplica))]
public sealed class RemoveMasterReplicaCommand : MasterReplicaCmdlet
{
    /// <summary>
    /// Removes the replica even though another replica of the cluster is unhealthy, as long as the etcd quorum is kept. Without it such a removal is refused (error ClusterUnhealthy): on an unhealthy cluster only the unhealthy replica may be removed. -Force never allows losing the quorum (QuorumWouldBeLost), removing the last replica (LastReplica) or a change while a learner is pending (MembershipChangeInProgress). Off by default.
    /// </summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>
    /// Writes the removed replica (a MasterReplica, as it was just before removal) to the output. Off by default: the command writes nothing.
    /// </summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord() => ForEachInput(() =>
    {
        var replica = RequireReplica();
        CreateEngine().CheckNotLastReplica(Cluster, replica.Name, forRepair: false);
        if (!ShouldProcess($"{Cluster}/{replica.Name}", "Remove master replica")) return;
        var before = PassThru ? CurrentReplica() : null;
        Run((e, token) => e.RemoveReplicaAsync(Cluster, replica.Name, Force, token));
        if (before is not null) WriteObject(before);
    });
}
