using System.Management.Automation;

namespace HaMaster.Commands;

/// <summary>
/// <para type="synopsis">Replaces a master replica: removes it, then adds a new one in the same zone.</para>
/// <para type="description">The replace operation (alias Replace-MasterReplica). The failed member is removed first, then a new replica joins as a learner and is promoted, as etcd recommends. Repairing a replica that is healthy asks for confirmation unless -Force is given. A repair cut short after the old replica was removed is finished by the next command on the cluster, which adds the replacement (or, if it cannot, says that the cluster is one replica short). Returns the new replica.</para>
/// </summary>
/// <example title="Replace every unhealthy replica">
/// <code>
/// Get-MasterReplica | Where Unhealthy | Replace-MasterReplica
/// </code>
/// <para>Replaces every unhealthy replica of every cluster through the alias Replace-MasterReplica: each one is removed, then a new replica (with a new name) is added in the same zone. Nothing is asked: the replicas are unhealthy.</para>
/// </example>
/// <example title="Replace one replica">
/// <code>
/// Repair-MasterReplica -Cluster demo -Name demo-master-3f2
/// </code>
/// <para>Replaces one replica. If it is healthy, the command asks first whether to replace it anyway.</para>
/// </example>
/// <example title="Replace a healthy replica">
/// <code>
/// Get-MasterReplica -Cluster demo -Name demo-master | Repair-MasterReplica -Force
/// </code>
/// <para>Replaces the healthy first replica of the cluster without asking, for example to give it fresh data and certificates. The cluster keeps its quorum throughout: the replica is taken out of the load balancer and etcd leadership moves away before it is removed.</para>
/// </example>
/// <returns>The new replica, in the same zone as the one it replaces, with a new name and its live health.</returns>
/// <remarks>
/// <para>A cluster with a single replica cannot be repaired: removing its last replica is refused (error LastReplica). Add a replica with Add-MasterReplica first, then remove the old one with Remove-MasterReplica.</para>
/// <para>While a replica is unhealthy, only that replica can be repaired (error ClusterUnhealthy for any other, -Force or not): etcd admits no new member while one of its voters is down.</para>
/// </remarks>
/// <seealso cref="GetMasterReplicaCommand"/>
/// <seealso cref="RemoveMasterReplicaCommand"/>
/// <seealso cref="AddMasterReplicaCommand"/>
[Cmdlet(VerbsDiagnostic.Repair, "MasterReplica", SupportsShouldProcess = true)]
[Alias("Replace-MasterReplica")]
[OutputType(typeof(MasterReplica))]
public sealed class RepairMasterReplicaCommand : MasterReplicaCmdlet
{
    /// <summary>
    /// Replaces a healthy replica without asking; without it the command asks first (the question is not skipped by -Confirm:$false). It does not allow replacing a replica while another one is unhealthy (error ClusterUnhealthy): etcd admits no new member while one of its voters is down, so the replacement could not join; repair the unhealthy replica first. Off by default.
    /// </summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void ProcessRecord() => ForEachInput(() =>
    {
        var current = CurrentReplica();
        CreateEngine().CheckNotLastReplica(Cluster, current.Name, forRepair: true);
        if (!ShouldProcess($"{Cluster}/{current.Name}", "Replace master replica (remove it, then add a new one in zone " + current.Zone + ")")) return;
        if (current.Healthy && !Force && !AskToContinue(
                $"Replica {current.Name} is healthy. Replacing it removes it and adds a new replica. Continue?", "Replace a healthy replica", "-Force"))
            return;
        WriteObject(Run((engine, token) => engine.RepairReplicaAsync(Cluster, current.Name, Force, token)));
    });
}
