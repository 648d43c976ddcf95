using System.Management.Automation;
using HaMaster.Completion;

namespace HaMaster.Commands;

/// <summary>
/// <para type="synopsis">Adds master replicas to a cluster, one at a time.</para>
/// <para type="description">Each new replica's etcd member joins as a learner, is started with its own certificates and is promoted once caught up; then its API endpoint goes behind the cluster address. The second replica creates the load balancer (the cluster address is promoted to it). Refused on an unhealthy cluster: repair the unhealthy replica first.</para>
/// </summary>
/// <example title="Add one replica">
/// <code>
/// Add-MasterReplica -Cluster demo
/// </code>
/// <para>Adds one replica to the cluster demo. Going from one to two replicas starts the load balancer on the cluster address. A warning says when the cluster is left with an even number of replicas: two replicas tolerate no more failures than one, so add a third.</para>
/// </example>
/// <example title="Create a cluster and grow it to three replicas">
/// <code>
/// New-HaCluster -Name demo | Add-MasterReplica -Count 2
/// </code>
/// <para>Creates a cluster and grows it to three replicas, which keep etcd's quorum when any one of them fails. The replicas are added one after another, each written to the output as soon as it has joined.</para>
/// </example>
/// <example title="Choose the zone">
/// <code>
/// Add-MasterReplica -Cluster demo -Zone local-c
/// </code>
/// <para>Adds a replica in zone local-c. Naming a zone other than the cluster's own needs a cluster created with New-HaCluster -MultiZone.</para>
/// </example>
/// <example title="Preview an addition">
/// <code>
/// Get-HaCluster | Where-Object ReplicaCount -lt 3 | Add-MasterReplica -WhatIf
/// </code>
/// <para>Shows which clusters would get a replica, and in which zone, without adding anything.</para>
/// </example>
/// <returns>One object per replica added, with its live health: a new replica is normally Healthy with EtcdRole Follower, and has its own InternalAddress.</returns>
/// <seealso cref="GetMasterReplicaCommand"/>
/// <seealso cref="NewHaClusterCommand"/>
/// <seealso cref="RepairMasterReplicaCommand"/>
[Cmdlet(VerbsCommon.Add, "MasterReplica", SupportsShouldProcess = true)]
[OutputType(typeof(MasterReplica))]
public sealed class AddMasterReplicaCommand : HaCmdlet
{
    /// <summary>
    /// The name of the cluster to grow. Required. Accepts a cluster name, or the Cluster property of a piped object: a HaCluster (from New-HaCluster or Get-HaCluster) or a MasterReplica. An unknown name fails with the error ClusterNotFound.
    /// </summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(ClusterNameCompleter))]
    public string Cluster { get; set; } = "";

    /// <summary>
    /// The zone of the new replicas. By default the cluster's own zone for a cluster created without -MultiZone, and the zone with the fewest replicas (recomputed for each replica) for a multi-zone cluster. Must be one of the provider's zones (Local: local-a, local-b, local-c; error UnknownZone otherwise), and without -MultiZone it must be the cluster's zone (error ZoneRequiresMultiZone).
    /// </summary>
    [Parameter]
    [ArgumentCompleter(typeof(ZoneCompleter))]
    public string? Zone { get; set; }

    /// <summary>
    /// How many replicas to add, one after another; each one joins, is promoted and goes behind the load balancer before the next one starts. From 1 to 6; the default is 1. etcd recommends at most seven members, so an addition past seven replicas is refused (error ReplicaLimitReached).
    /// </summary>
    [Parameter]
    [ValidateRange(1, 6)]
    public int Count { get; set; } = 1;

    protected override void ProcessRecord() => ForEachInput(() =>
    {
        var engine = CreateEngine();
        var state = engine.LoadCluster(Cluster);
        engine.CheckRoomFor(Cluster, Count);
        var zone = Run((e, token) => e.ResolveZoneAsync(state, Zone, token));
        for (var i = 0; i < Count; i++)
        {
            var target = $"{Cluster} (replica {i + 1} of {Count}, zone {(Zone ?? (state.MultiZone ? "with the fewest replicas" : zone))})";
            if (!ShouldProcess(target, "Add master replica")) continue;
            WriteObject(Run((e, token) => e.AddReplicaAsync(Cluster, Zone, token)));
        }
    });
}
