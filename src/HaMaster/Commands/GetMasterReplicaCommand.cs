using System.Management.Automation;
using HaMaster.Completion;

namespace HaMaster.Commands;

/// <summary>
/// <para type="synopsis">Lists master replicas with their live health.</para>
/// <para type="description">A replica is Healthy when its processes (or VM) run, its etcd member is a voter that answers and its API endpoint's /readyz answers; Problems says what fails. With no argument, lists the replicas of every known cluster. Pipe unhealthy ones into Repair-MasterReplica.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "MasterReplica")]
[OutputType(typeof(MasterReplica))]
public sealed class GetMasterReplicaCommand : HaCmdlet
{
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(ClusterNameCompleter))]
    public string[]? Cluster { get; set; }

    [Parameter]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(ReplicaNameCompleter))]
    public string[]? Name { get; set; }

    [Parameter]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(ZoneCompleter))]
    public string[]? Zone { get; set; }

    protected override void ProcessRecord() => ForEachInput(() =>
    {
        foreach (var cluster in ClusterSelection.Resolve(this, CreateEngine().ClusterNames(), Cluster))
        {
            ForEachInput(() =>
            {
                var replicas = Run((engine, token) => engine.GetReplicasAsync(cluster, token));
                foreach (var replica in replicas.Where(r => Matches(Name, r.Name) && Matches(Zone, r.Zone)))
                    WriteObject(replica);
            });
        }
    });

    private static bool Matches(string[]? patterns, string value) =>
        patterns is null || patterns.Any(p => new WildcardPattern(p, WildcardOptions.IgnoreCase).IsMatch(value));
}
