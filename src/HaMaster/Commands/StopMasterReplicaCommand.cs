using System.Management.Automation;

namespace HaMaster.Commands;

/// <summary>
/// <para type="synopsis">Stops a master replica without removing it.</para>
/// <para type="description">By default the replica's processes are killed as a crash would (a fault drill). With -Graceful it is first taken out of the load balancer, etcd leadership is moved away, and its processes stop cleanly. Refused when it would take etcd below quorum, unless -Force is given.</para>
/// </summary>
/// <example title="Crash a replica for a drill">
/// <code>
/// Stop-MasterReplica -Cluster demo -Name demo-master-3f2
/// </code>
/// <para>Kills the replica's processes as a crash would (a fault drill). Get-MasterReplica then shows it Unhealthy with its problem. With three or more replicas the cluster keeps serving through the others; a stop that would lose the etcd quorum is refused unless -Force is given.</para>
/// </example>
/// <example title="Stop a replica for maintenance">
/// <code>
/// Get-MasterReplica demo -Name demo-master | Stop-MasterReplica -Graceful -PassThru
/// </code>
/// <para>Stops a replica cleanly for maintenance: it leaves the load balancer, etcd leadership moves to another member, then its processes stop. The stopped replica is written to the output.</para>
/// </example>
/// <example title="Drill a lost quorum">
/// <code>
/// Stop-MasterReplica -Cluster demo -Name demo-master-3f2 -Force
/// </code>
/// <para>Stops a replica even though that takes etcd below its quorum, to drill a lost quorum: the cluster then accepts no writes until enough replicas are started again with Start-MasterReplica.</para>
/// </example>
/// <returns>Nothing by default. With -PassThru, the replica after it stopped (Status Stopped, Unhealthy).</returns>
/// <seealso cref="StartMasterReplicaCommand"/>
/// <seealso cref="GetMasterReplicaCommand"/>
[Cmdlet(VerbsLifecycle.Stop, "MasterReplica", SupportsShouldProcess = true)]
[OutputType(typeof(MasterReplica))]
public sealed class StopMasterReplicaCommand : MasterReplicaCmdlet
{
    /// <summary>
    /// Stops the replica cleanly: it is first taken out of the load balancer and etcd leadership is moved away from it, then its processes are asked to stop. Off by default: the processes are killed, as a crash would.
    /// </summary>
    [Parameter]
    public SwitchParameter Graceful { get; set; }

    /// <summary>
    /// Stops the replica even when that leaves fewer healthy etcd voters than the quorum (etcd then accepts no writes). Without it such a stop is refused with the error QuorumWouldBeLost, stopping the only replica of a cluster included. Off by default.
    /// </summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>
    /// Writes the stopped replica (a MasterReplica with its live health) to the output. Off by default: the command writes nothing.
    /// </summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord() => ForEachInput(() =>
    {
        var replica = RequireReplica();
        if (!ShouldProcess($"{Cluster}/{replica.Name}", Graceful ? "Stop master replica gracefully" : "Stop master replica (kill, as a crash would)")) return;
        var result = Run((engine, token) => engine.StopReplicaAsync(Cluster, replica.Name, Graceful, Force, token));
        if (PassThru) WriteObject(result);
    });
}
