using System.Management.Automation;

namespace HaMaster.Commands;

/// <summary>
/// <para type="synopsis">Removes one master replica safely.</para>
/// <para type="description">Takes the replica out of the load balancer and moves etcd leadership away from it, re-checks health and quorum, removes its etcd member through another member, stops it and wipes its data. Going from two replicas to one removes the load balancer and gives the cluster address back to the last replica. The last replica cannot be removed (use Remove-HaCluster). -Force allows removing a replica while another one is unhealthy, as long as quorum is kept.</para>
/// </summary>
[Cmdlet(VerbsCommon.Remove, "MasterReplica", SupportsShouldProcess = true)]
[OutputType(typeof(MasterReplica))]
public sealed class RemoveMasterReplicaCommand : MasterReplicaCmdlet
{
    [Parameter]
    public SwitchParameter Force { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord() => ForEachInput(() =>
    {
        var replica = RequireReplica();
        if (!ShouldChange($"{Cluster}/{replica.Name}", "Remove master replica")) return;
        var before = PassThru ? CurrentReplica() : null;
        Run((e, token) => e.RemoveReplicaAsync(Cluster, replica.Name, Force, token));
        if (before is not null) WriteObject(before);
    });
}
