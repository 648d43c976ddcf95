using System.Management.Automation;
using HaMaster.Completion;
using HaMaster.Engine.Errors;
using HaMaster.Engine.Model;

namespace HaMaster;

/// <summary>
/// The base of cmdlets that act on one replica: -Cluster and -Name, both bound by property name
/// from a piped MasterReplica.
/// </summary>
public abstract class MasterReplicaCmdlet : HaCmdlet
{
    /// <summary>
    /// The name of the cluster the replica belongs to. Required; no wildcards. Bound from the Cluster property of a piped MasterReplica (Get-MasterReplica output). An unknown name fails with the error ClusterNotFound.
    /// </summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(ClusterNameCompleter))]
    public string Cluster { get; set; } = "";

    /// <summary>
    /// The name of the replica, as Get-MasterReplica shows it: cluster-master for the first replica, cluster-master-xyz (three hex digits) for the others. Required; no wildcards; case-insensitive. Bound from the Name property of a piped MasterReplica. A name the cluster does not have fails with the error ReplicaNotFound.
    /// </summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(ReplicaNameCompleter))]
    public string Name { get; set; } = "";

    protected override object? ErrorTarget => $"{Cluster}/{Name}";

    /// <summary>The replica as the cluster state records it (no health probe).</summary>
    protected ReplicaRecord RequireReplica() =>
        CreateEngine().LoadCluster(Cluster).FindReplica(Name) ?? throw HaErrors.ReplicaNotFound(Cluster, Name);

    /// <summary>The replica with its live health.</summary>
    protected MasterReplica CurrentReplica() =>
        Run((engine, token) => engine.GetReplicasAsync(Cluster, token))
            .FirstOrDefault(r => string.Equals(r.Name, Name, StringComparison.OrdinalIgnoreCase))
        ?? throw HaErrors.ReplicaNotFound(Cluster, Name);
}
