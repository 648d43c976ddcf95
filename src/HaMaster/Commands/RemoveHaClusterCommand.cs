using System.Management.Automation;
using HaMaster.Completion;

namespace HaMaster.Commands;

/// <summary>
/// <para type="synopsis">Deletes a cluster: every replica, the load balancer, the address and the state.</para>
/// <para type="description">Stops every process of the cluster and removes its files and its address reservation, leaving nothing behind. Asks for confirmation unless -Force or -Confirm:$false is given; -WhatIf shows what would be removed and changes nothing.</para>
/// </summary>
[Cmdlet(VerbsCommon.Remove, "HaCluster", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(HaCluster))]
public sealed class RemoveHaClusterCommand : HaCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Cluster")]
    [ArgumentCompleter(typeof(ClusterNameCompleter))]
    public string Name { get; set; } = "";

    [Parameter]
    public SwitchParameter Force { get; set; }

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
