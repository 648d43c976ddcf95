using System.Management.Automation;
using HaMaster.Completion;

namespace HaMaster.Commands;

/// <summary>
/// <para type="synopsis">Shows etcd's own view of a cluster's members.</para>
/// <para type="description">Id, name, peer and client URLs, learner or voter, leader, raft index, database size and health, as etcd reports them. A member with an empty name was added but never started.</para>
/// </summary>
/// <example title="See etcd's view of a cluster">
/// <code>
/// Get-EtcdMember -Cluster demo
/// </code>
/// <para>Lists the etcd members of the cluster demo as etcd itself reports them: which one is the leader, which ones are learners, their raft index and database size.</para>
/// </example>
/// <example title="Find the leader of every cluster">
/// <code>
/// Get-HaCluster | Get-EtcdMember | Where-Object IsLeader
/// </code>
/// <para>Shows the etcd leader of every cluster.</para>
/// </example>
/// <example title="Find a member left by an interrupted change">
/// <code>
/// Get-EtcdMember demo | Where-Object { -not $_.Healthy } | Format-List Name, Id, IsLearner, Problem
/// </code>
/// <para>Finds the members that need attention, for example a learner left by an interrupted Add-MasterReplica (Problem: learner, not yet promoted) or a member that was added but never started (empty Name). The next change to the cluster finishes or rolls back such a member.</para>
/// </example>
/// <returns>One object per etcd member: Cluster, Id, Name (the replica name; empty for a member that was added but never started), PeerUrls, ClientUrls, IsLearner, IsLeader, RaftIndex, DbSize, Healthy and Problem. When no voter answers, etcd cannot list its members: the replicas the cluster records are listed instead, each unhealthy with that problem.</returns>
/// <seealso cref="GetMasterReplicaCommand"/>
[Cmdlet(VerbsCommon.Get, "EtcdMember")]
[OutputType(typeof(EtcdMember))]
public sealed class GetEtcdMemberCommand : HaCmdlet
{
    /// <summary>
    /// The name of the cluster to ask. Required; no wildcards. Accepts a cluster name, or the Cluster property of a piped HaCluster or MasterReplica. An unknown name fails with the error ClusterNotFound.
    /// </summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(ClusterNameCompleter))]
    public string Cluster { get; set; } = "";

    protected override void ProcessRecord() => ForEachInput(() =>
    {
        foreach (var member in Run((engine, token) => engine.GetEtcdMembersAsync(Cluster, token)))
            WriteObject(member);
    });
}
