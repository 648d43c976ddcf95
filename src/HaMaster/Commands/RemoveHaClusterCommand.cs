using System.Management.Automation;
using HaMaster.Completion;
using HaMaster.Engine.Errors;
using HaMaster.Engine.Model;

namespace HaMaster.Commands;

/// <summary>
/// <para type="synopsis">Deletes a cluster: every replica, the load balancer, the address and the state.</para>
/// <para type="description">Stops every process of the cluster and removes its files and its address reservation, leaving nothing behind. Asks for confirmation unless -Force or -Confirm:$false is given; -WhatIf shows what would be removed and changes nothing.</para>
/// <para type="description">A cluster whose state file is damaged (StateCorrupt) or whose folder was deleted by hand can still be removed with -Force: on Local, every process that names the cluster's folder on its command line is stopped, its address block is released and what is left of its folder is removed; the removal lists what it found. On Gce such a cluster's VMs and addresses are not found without the state (they carry the label cluster=NAME). To keep a damaged cluster instead, copy cluster.json.previous over cluster.json in its folder: it is the state before the last change.</para>
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
/// <example title="Remove a cluster whose state file is damaged">
/// <code>
/// Remove-HaCluster -Name demo -Force
/// </code>
/// <para>Stops the processes of demo, releases its addresses and removes its folder, though cluster.json cannot be read; a warning lists what was removed.</para>
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
    /// Removes the cluster without asking for confirmation, and removes what is left of a cluster whose state cannot be read or was deleted by hand. Without it, the command asks first (its ConfirmImpact is High) unless -Confirm:$false is given. -Force never overrides -WhatIf: with both, nothing is removed. Off by default.
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
        ClusterState state;
        try
        {
            state = engine.LoadCluster(Name);
        }
        catch (HaException e) when (Force && e.ErrorId is ErrorIds.StateCorrupt or ErrorIds.ClusterNotFound)
        {
            RemoveLeftovers(e);
            return;
        }
        var target = $"{state.Name} ({Engine.Wording.Counted(state.Replicas.Count, "replica")}, {state.Address})";
        if (!ConfirmDestructive(target, "Remove HA cluster and all its replicas", Force))
            return;
        var before = PassThru ? Run((e, token) => e.GetClusterAsync(Name, token)) : null;
        Run((e, token) => e.RemoveClusterAsync(Name, token));
        if (before is not null) WriteObject(before);
    });

    private void RemoveLeftovers(HaException unreadable)
    {
        if (!ConfirmDestructive($"{Name} (its state cannot be read: {unreadable.Message})", "Remove what is left of the cluster: its processes, its address block and its folder", Force))
            return;
        var removed = Run((engine, token) => engine.RemoveLeftoversAsync(Name, token));
        WriteWarning($"The state of cluster '{Name}' could not be read; removed what was left of it: {string.Join("; ", removed)}.");
    }
}
