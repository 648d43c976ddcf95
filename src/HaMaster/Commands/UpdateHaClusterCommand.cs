using System.Management.Automation;
using HaMaster.Completion;

namespace HaMaster.Commands;

/// <summary>
/// <para type="synopsis">Replaces every replica of a cluster with a new one, one at a time, without taking the cluster down.</para>
/// <para type="description">With -Rollout, every replica is replaced by a new one made with the cluster's current settings, with new keys and certificates: first a backup (safety rule 12), then one replica at a time, surge first: a replacement is added in the old replica's zone (as a learner, promoted once caught up) and waited for until the load balancer serves it, then the old replica is removed (out of the load balancer, leadership handed on, member removed, data wiped). Followers go first and the leader last, so the cluster never has fewer healthy voters than when the rollout began and the cluster address keeps answering. Progress shows which replica of how many is being replaced. It needs every replica healthy (ClusterUnhealthy otherwise: etcd admits no new member while a voter is down; repair the unhealthy replica instead). An interrupted rollout is finished by the next command on the cluster, replacing only the replicas that are still old. -WhatIf lists the replicas that would be replaced.</para>
/// </summary>
/// <example title="Replace every replica">
/// <code>
/// Update-HaCluster -Cluster demo -Rollout
/// </code>
/// <para>Replaces the three replicas of demo one at a time and lists the new ones.</para>
/// </example>
/// <example title="See what a rollout would replace">
/// <code>
/// Update-HaCluster -Cluster demo -Rollout -WhatIf
/// </code>
/// <para>Names every replica that would be replaced, and changes nothing.</para>
/// </example>
/// <returns>The cluster's replicas after the rollout, one MasterReplica each.</returns>
/// <seealso cref="RepairMasterReplicaCommand"/>
[Cmdlet(VerbsData.Update, "HaCluster", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(MasterReplica))]
public sealed class UpdateHaClusterCommand : HaCmdlet
{
    /// <summary>
    /// The name of the cluster. Required; no wildcards. Accepts a cluster name, or the Cluster property of a piped HaCluster. An unknown name fails with the error ClusterNotFound.
    /// </summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(ClusterNameCompleter))]
    public string Cluster { get; set; } = "";

    /// <summary>
    /// Replaces every replica with a new one made with the cluster's current settings, new keys and certificates included, one at a time, each replacement served before an old replica is removed.
    /// </summary>
    [Parameter(Mandatory = true)]
    public SwitchParameter Rollout { get; set; }

    protected override void ProcessRecord() => ForEachInput(() =>
    {
        var replicas = CreateEngine().RolloutPlan(Cluster);
        if (!ShouldProcess(Cluster, $"Replace every replica, one at a time, each new one served before an old one goes: {string.Join(", ", replicas)}")) return;
        foreach (var replica in Run((engine, token) => engine.RolloutAsync(Cluster, token)))
            WriteObject(replica);
    });
}
