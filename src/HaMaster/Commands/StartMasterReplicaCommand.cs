using System.Management.Automation;

namespace HaMaster.Commands;

/// <summary>
/// <para type="synopsis">Starts a stopped master replica again, with its data.</para>
/// <para type="description">Starts the replica's etcd member and API endpoint (and the load balancer, if the cluster has one and it is down). After a reboot, start every replica: the cluster comes back with its data once a quorum of them runs.</para>
/// </summary>
/// <example title="Start one replica">
/// <code>
/// Start-MasterReplica -Cluster demo -Name demo-master-3f2 -PassThru
/// </code>
/// <para>Starts a stopped replica with its data and writes it to the output; it rejoins etcd as the same member.</para>
/// </example>
/// <example title="Bring every cluster back after a reboot">
/// <code>
/// Get-MasterReplica | Start-MasterReplica
/// </code>
/// <para>After a reboot, starts every replica of every cluster. Each cluster comes back with its data once a majority of its replicas run; processes that already run are left alone.</para>
/// </example>
/// <example title="Preview which replicas would start">
/// <code>
/// Get-MasterReplica demo | Where-Object Status -eq 'Stopped' | Start-MasterReplica -WhatIf
/// </code>
/// <para>Shows which stopped replicas of the cluster demo would be started, and starts nothing.</para>
/// </example>
/// <returns>Nothing by default. With -PassThru, the replica after the start, with its live health. When enough replicas run for a quorum, the command waits (up to 15 seconds) for the replica to become healthy first.</returns>
/// <seealso cref="StopMasterReplicaCommand"/>
/// <seealso cref="GetMasterReplicaCommand"/>
[Cmdlet(VerbsLifecycle.Start, "MasterReplica", SupportsShouldProcess = true)]
[OutputType(typeof(MasterReplica))]
public sealed class StartMasterReplicaCommand : MasterReplicaCmdlet
{
    /// <summary>
    /// Writes the started replica (a MasterReplica with its live health) to the output. Off by default: the command writes nothing.
    /// </summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord() => ForEachInput(() =>
    {
        var replica = RequireReplica();
        if (!ShouldProcess($"{Cluster}/{replica.Name}", "Start master replica")) return;
        var result = Run((engine, token) => engine.StartReplicaAsync(Cluster, replica.Name, token));
        if (PassThru) WriteObject(result);
    });
}
