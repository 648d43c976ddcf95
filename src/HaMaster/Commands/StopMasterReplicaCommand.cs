using System.Management.Automation;

namespace HaMaster.Commands;

/// <summary>
/// <para type="synopsis">Stops a master replica without removing it.</para>
/// <para type="description">By default the replica's processes are killed as a crash would (a fault drill). With -Graceful it is first taken out of the load balancer, etcd leadership is moved away, and its processes stop cleanly. Refused when it would take etcd below quorum, unless -Force is given.</para>
/// </summary>
[Cmdlet(VerbsLifecycle.Stop, "MasterReplica", SupportsShouldProcess = true)]
[OutputType(typeof(MasterReplica))]
public sealed class StopMasterReplicaCommand : MasterReplicaCmdlet
{
    [Parameter]
    public SwitchParameter Graceful { get; set; }

    [Parameter]
    public SwitchParameter Force { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord() => ForEachInput(() =>
    {
        var replica = RequireReplica();
        if (!ShouldChange($"{Cluster}/{replica.Name}", Graceful ? "Stop master replica gracefully" : "Stop master replica (kill, as a crash would)")) return;
        var result = Run((engine, token) => engine.StopReplicaAsync(Cluster, replica.Name, Graceful, Force, token));
        if (PassThru) WriteObject(result);
    });
}
