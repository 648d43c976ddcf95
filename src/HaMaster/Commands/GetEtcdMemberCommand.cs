using System.Management.Automation;
using HaMaster.Completion;

namespace HaMaster.Commands;

/// <summary>
/// <para type="synopsis">Shows etcd's own view of a cluster's members.</para>
/// <para type="description">Id, name, peer and client URLs, learner or voter, leader, raft index, database size and health, as etcd reports them. A member with an empty name was added but never started.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "EtcdMember")]
[OutputType(typeof(EtcdMember))]
public sealed class GetEtcdMemberCommand : HaCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(ClusterNameCompleter))]
    public string Cluster { get; set; } = "";

    protected override void ProcessRecord() => ForEachInput(() =>
    {
        foreach (var member in Run((engine, token) => engine.GetEtcdMembersAsync(Cluster, token)))
            WriteObject(member);
    });
}
