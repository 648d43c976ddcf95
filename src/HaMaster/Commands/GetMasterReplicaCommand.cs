using System.Management.Automation;
using HaMaster.Completion;

namespace HaMaster.Commands;

/// <summary>
/// <para type="synopsis">Lists master replicas with their live health.</para>
/// <para type="description">A replica is Healthy when its processes (or VM) run, its etcd member is a voter that answers and its API endpoint's /readyz answers; Problems says what fails. With no argument, lists the replicas of every known cluster. Pipe unhealthy ones into Repair-MasterReplica.</para>
/// </summary>
/// <example title="List every replica">
/// <code>
/// Get-MasterReplica
/// </code>
/// <para>Lists the replicas of every cluster this machine knows, with their zone, Status, Healthy, etcd role and addresses.</para>
/// </example>
/// <example title="Replace every unhealthy replica">
/// <code>
/// Get-MasterReplica | Where Unhealthy | Replace-MasterReplica
/// </code>
/// <para>Replaces every unhealthy replica of every cluster: each one is removed, then a new replica is added in its zone. Replace-MasterReplica is an alias of Repair-MasterReplica.</para>
/// </example>
/// <example title="See why a replica is unhealthy">
/// <code>
/// Get-MasterReplica demo | Where-Object Unhealthy | Format-List Name, Status, EtcdRole, Problems
/// </code>
/// <para>Shows why the unhealthy replicas of the cluster demo are unhealthy: Problems says what fails, in words (a process that does not run, an etcd member that does not answer, an API endpoint that is not ready).</para>
/// </example>
/// <example title="Filter by zone">
/// <code>
/// Get-MasterReplica -Cluster demo -Zone local-b
/// </code>
/// <para>Lists the replicas of the cluster demo that live in zone local-b.</para>
/// </example>
/// <returns>One object per replica: Cluster, Name, Zone, Provider, Status (Running, Partial, Stopped, Missing, Joining, Removing), Healthy and Unhealthy, Problems, InternalAddress, ExternalAddress, EtcdMemberId, EtcdRole (Leader, Follower, Learner, NotMember, Unreachable), ApiHealthy and CreatedAt.</returns>
/// <seealso cref="RepairMasterReplicaCommand"/>
/// <seealso cref="GetEtcdMemberCommand"/>
/// <seealso cref="GetHaClusterCommand"/>
[Cmdlet(VerbsCommon.Get, "MasterReplica")]
[OutputType(typeof(MasterReplica))]
public sealed class GetMasterReplicaCommand : HaCmdlet
{
    /// <summary>
    /// The clusters whose replicas to list. Wildcards are accepted; by default, every cluster this machine knows. A name without wildcards that matches no cluster writes the error ClusterNotFound and goes on with the others. Accepts cluster names, or the Cluster property of piped objects (a HaCluster or a MasterReplica).
    /// </summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(ClusterNameCompleter))]
    public string[]? Cluster { get; set; }

    /// <summary>
    /// Lists only the replicas with these names (wildcards accepted, case-insensitive), for example demo-master-*. By default, every replica. A name that matches nothing writes nothing.
    /// </summary>
    [Parameter]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(ReplicaNameCompleter))]
    public string[]? Name { get; set; }

    /// <summary>
    /// Lists only the replicas in these zones (wildcards accepted), for example local-b. By default, every zone.
    /// </summary>
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
