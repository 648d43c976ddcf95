using System.Management.Automation;

namespace HaMaster.Commands;

/// <summary>
/// <para type="synopsis">Replaces a master replica: removes it, then adds a new one in the same zone.</para>
/// <para type="description">The replace operation (alias Replace-MasterReplica). The failed member is removed first, then a new replica joins as a learner and is promoted, as etcd recommends. Repairing a replica that is healthy asks for confirmation unless -Force is given. Returns the new replica.</para>
/// </summary>
[Cmdlet(VerbsDiagnostic.Repair, "MasterReplica", SupportsShouldProcess = true)]
[Alias("Replace-MasterReplica")]
[OutputType(typeof(MasterReplica))]
public sealed class RepairMasterReplicaCommand : MasterReplicaCmdlet
{
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void ProcessRecord() => ForEachInput(() =>
    {
        var current = CurrentReplica();
        if (!ShouldChange($"{Cluster}/{current.Name}", "Replace master replica (remove it, then add a new one in zone " + current.Zone + ")")) return;
        if (current.Healthy && !Force && !ShouldContinue(
                $"Replica {current.Name} is healthy. Replacing it removes it and adds a new replica. Continue?", "Replace a healthy replica"))
            return;
        WriteObject(Run((engine, token) => engine.RepairReplicaAsync(Cluster, current.Name, Force, token)));
    });
}
