using System.Management.Automation;
using HaMaster.Completion;

namespace HaMaster.Commands;

/// <summary>
/// <para type="synopsis">Adds master replicas to a cluster, one at a time.</para>
/// <para type="description">Each new replica's etcd member joins as a learner, is started with its own certificates and is promoted once caught up; then its API endpoint goes behind the cluster address. The second replica creates the load balancer (the cluster address is promoted to it). Refused on an unhealthy cluster: repair the unhealthy replica first.</para>
/// </summary>
[Cmdlet(VerbsCommon.Add, "MasterReplica", SupportsShouldProcess = true)]
[OutputType(typeof(MasterReplica))]
public sealed class AddMasterReplicaCommand : HaCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(ClusterNameCompleter))]
    public string Cluster { get; set; } = "";

    /// <summary>Where the new replicas go; by default the zone with the fewest replicas.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(ZoneCompleter))]
    public string? Zone { get; set; }

    [Parameter]
    [ValidateRange(1, 6)]
    public int Count { get; set; } = 1;

    protected override void ProcessRecord() => ForEachInput(() =>
    {
        var engine = CreateEngine();
        var state = engine.LoadCluster(Cluster);
        var zone = engine.ResolveZone(state, Zone);
        for (var i = 0; i < Count; i++)
        {
            var target = $"{Cluster} (replica {i + 1} of {Count}, zone {(Zone ?? (state.MultiZone ? "with the fewest replicas" : zone))})";
            if (!ShouldChange(target, "Add master replica")) continue;
            WriteObject(Run((e, token) => e.AddReplicaAsync(Cluster, Zone, token)));
        }
    });
}
