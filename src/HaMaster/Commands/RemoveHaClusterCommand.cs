using System.Management.Automation;
using HaMaster.Completion;

namespace HaMaster.Commands;

/// <summary>
/// <para type="synopsis">Deletes a cluster: every replica, the load balancer, the address and the state.</para>
/// <para type="description">Stops every process of the cluster and removes its files and its address reservation, leaving nothing behind. Asks for confirmation unless -Force or -Confirm:$false is given; -WhatIf shows what would be removed and changes nothing.</para>
/// </summary>
/// <example title="See what would be removed">
/// <code>
/// Remove-HaCluster demo -WhatIf
/// </code>
/// <para>Shows what would be removed (the cluster, its replica count and its address) and changes nothing.</para>
/// </example>
/// <example title="Remove a cluster without the question">
/// <code>
/// Remove-HaCluster -Name demo -Force
/// </code>
/// <para>Removes the cluster demo without asking: every replica's processes are stopped, the load balancer is stopped, the address is released and the cluster's files are deleted.</para>
/// </example>
/// <example title="Remove the clusters of a test run">
/// <code>
/// Get-HaCluster ci-* | Remove-HaCluster -Confirm:$false
/// </code>
/// <para>Removes every cluster whose name starts with ci- (for example the clusters a test run left behind), without asking for each one.</para>
/// </example>
/// <example title="Keep a record of what was removed">
/// <code>
/// $removed = Remove-HaCluster demo -Force -PassThru
/// </code>
/// <para>Removes the cluster and keeps, in $removed, the cluster as it was just before the removal (its address, replica count and health), for a log or a report.</para>
/// </example>
/// <returns>Nothing by default. With -PassThru, one HaCluster per removed cluster: the cluster as it was just before it was removed.</returns>
/// <seealso cref="GetHaClusterCommand"/>
/// <seealso cref="RemoveMasterReplicaCommand"/>
[Cmdlet(VerbsCommon.Remove, "HaCluster", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(HaCluster))]
public sealed class RemoveHaClusterCommand : HaCmdlet
{
    /// <summary>
    /// The name of the cluster to remove (alias -Cluster). Exact name, no wildcards: select several clusters with Get-HaCluster and pipe them in. Required; also accepts a cluster name, or the Name or Cluster property of a piped object such as a HaCluster. An unknown name fails with the error ClusterNotFound and goes on with the next input.
    /// </summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Cluster")]
    [ArgumentCompleter(typeof(ClusterNameCompleter))]
    public string Name { get; set; } = "";

    /// <summary>
    /// Removes the cluster without asking for confirmation. Without it, the command asks first (its ConfirmImpact is High) unless -Confirm:$false is given. -Force never overrides -WhatIf: with both, nothing is removed. Off by default.
    /// </summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>
    /// Writes each removed cluster (a HaCluster, as it was just before removal) to the output. Off by default: the command writes nothing.
    /// </summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord() => ForEachInput(() =>
    {
        var engine = CreateEngine();
        var state = engine.LoadCluster(Name);
        var target = $"{state.Name} ({state.Replicas.Count} replicas, {state.Address})";
        if (!ConfirmDestructive(target, "Remove HA cluster and all its replicas", Force))
            return;
        var before = PassThru ? Run((e, token) => e.GetClusterAsync(Name, token)) : null;
        Run((e, token) => e.RemoveClusterAsync(Name, token));
        if (before is not null) WriteObject(before);
    });
}
