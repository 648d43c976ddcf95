using System.Management.Automation;
using HaMaster.Completion;

namespace HaMaster.Commands;

/// <summary>
/// <para type="synopsis">Lists known clusters with their live health.</para>
/// <para type="description">With no name, lists every cluster this machine knows. Names accept wildcards.</para>
/// </summary>
/// <example title="List every cluster">
/// <code>
/// Get-HaCluster
/// </code>
/// <para>Lists every cluster this machine knows, with its Status (Healthy, Degraded, NoQuorum or Stopped), its replica counts and how many replicas may fail with the etcd quorum kept (FaultTolerance).</para>
/// </example>
/// <example title="Look at one cluster in detail">
/// <code>
/// Get-HaCluster -Name demo | Format-List *
/// </code>
/// <para>Shows every property of the cluster demo, including its load balancer and its backends, and Problems: why the cluster is not Healthy, in words.</para>
/// </example>
/// <example title="Find what needs attention">
/// <code>
/// Get-HaCluster | Where-Object Status -ne 'Healthy' | Get-MasterReplica | Where Unhealthy
/// </code>
/// <para>Finds the clusters that need attention and lists their unhealthy replicas, with the reason in the Problems property.</para>
/// </example>
/// <example title="Select clusters with a wildcard">
/// <code>
/// Get-HaCluster test-* | Remove-HaCluster -WhatIf
/// </code>
/// <para>Lists the clusters whose name starts with test- and shows what removing them would do, without removing anything.</para>
/// </example>
/// <returns>One object per cluster: Name, Provider, Zone, Address (the stable API address), Endpoint, ReplicaCount, HealthyReplicaCount, FaultTolerance, LoadBalancer (empty with one replica), MultiZone, EtcdQuorumReads, Status, Problems and CreatedAt. Every call probes the replicas, so the health is live.</returns>
/// <seealso cref="GetMasterReplicaCommand"/>
/// <seealso cref="GetEtcdMemberCommand"/>
[Cmdlet(VerbsCommon.Get, "HaCluster")]
[OutputType(typeof(HaCluster))]
public sealed class GetHaClusterCommand : HaCmdlet
{
    /// <summary>
    /// The clusters to show, by name. Wildcards are accepted (test-*); by default, every cluster this machine knows. A name without wildcards that matches no cluster writes the error ClusterNotFound and goes on with the other names; a wildcard that matches nothing writes nothing. Also accepts cluster names, or objects with a Name or Cluster property, from the pipeline.
    /// </summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Cluster")]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(ClusterNameCompleter))]
    public string[]? Name { get; set; }

    protected override void ProcessRecord() => ForEachInput(() =>
    {
        foreach (var cluster in ClusterSelection.Resolve(this, CreateEngine().ClusterNames(), Name))
            ForEachInput(() => WriteObject(Run((engine, token) => engine.GetClusterAsync(cluster, token))));
    });
}
