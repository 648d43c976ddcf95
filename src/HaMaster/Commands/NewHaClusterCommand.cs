using System.Management.Automation;
using HaMaster.Completion;
using HaMaster.Engine;
using HaMaster.Engine.Errors;
using HaMaster.Engine.Model;

namespace HaMaster.Commands;

/// <summary>
/// <para type="synopsis">Creates an HA-compatible cluster with one master replica.</para>
/// <para type="description">Creates the cluster CA and the etcd CA, starts the first replica (an etcd member with mutual TLS and an API endpoint on its own address) and serves the cluster's stable address from it. Add replicas with Add-MasterReplica: the second one puts a load balancer on that address.</para>
/// </summary>
[Cmdlet(VerbsCommon.New, "HaCluster", SupportsShouldProcess = true)]
[OutputType(typeof(HaCluster))]
public sealed class NewHaClusterCommand : HaCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    public string Name { get; set; } = "";

    [Parameter]
    public ProviderKind Provider { get; set; } = ProviderKind.Local;

    [Parameter]
    [ArgumentCompleter(typeof(ZoneCompleter))]
    public string? Zone { get; set; }

    [Parameter]
    public string? Project { get; set; }

    [Parameter]
    public SwitchParameter MultiZone { get; set; }

    [Parameter]
    public SwitchParameter EnableEtcdQuorumReads { get; set; }

    protected override void ProcessRecord() => ForEachInput(() =>
    {
        if (Provider == ProviderKind.Local && Project is not null)
            throw new HaException(ErrorIds.ProviderParameterNotSupported,
                "-Project applies to the Gce provider only; a Local cluster lives on this machine.",
                "Omit -Project, or add -Provider Gce.", Project);
        Engine.Naming.ResourceNames.ValidateClusterName(Name);
        if (!ShouldChange(Name, $"Create {Provider} HA cluster"))
            return;
        var request = new NewClusterRequest(Name, Provider, Zone, Project, null, MultiZone, EnableEtcdQuorumReads);
        WriteObject(Run((engine, token) => engine.NewClusterAsync(request, token)));
    });
}
