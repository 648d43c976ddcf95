using System.Management.Automation;

namespace HaMaster.Commands;

/// <summary>
/// <para type="synopsis">Starts a stopped master replica again, with its data.</para>
/// <para type="description">Starts the replica's etcd member and API endpoint (and the load balancer, if the cluster has one and it is down). After a reboot, start every replica: the cluster comes back with its data once a quorum of them runs.</para>
/// </summary>
[Cmdlet(VerbsLifecycle.Start, "MasterReplica", SupportsShouldProcess = true)]
[OutputType(typeof(MasterReplica))]
public sealed class StartMasterReplicaCommand : MasterReplicaCmdlet
{
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord() => ForEachInput(() =>
    {
        var replica = RequireReplica();
        if (!ShouldChange($"{Cluster}/{replica.Name}", "Start master replica")) return;
        var result = Run((engine, token) => engine.StartReplicaAsync(Cluster, replica.Name, token));
        if (PassThru) WriteObject(result);
    });
}
