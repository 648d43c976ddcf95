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
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(ClusterNameCompleter))]
    public string Cluster { get; set; } = "";

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
