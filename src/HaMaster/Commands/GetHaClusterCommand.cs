using System.Management.Automation;
using HaMaster.Completion;

namespace HaMaster.Commands;

/// <summary>
/// <para type="synopsis">Lists known clusters with their live health.</para>
/// <para type="description">With no name, lists every cluster this machine knows. Names accept wildcards.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "HaCluster")]
[OutputType(typeof(HaCluster))]
public sealed class GetHaClusterCommand : HaCmdlet
{
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
