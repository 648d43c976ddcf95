using System.Management.Automation;
using HaMaster.Completion;
using HaMaster.Engine;
using HaMaster.Engine.Providers;

namespace HaMaster.Commands;

/// <summary>
/// <para type="synopsis">Changes the settings a cluster's replicas are made with and replaces every replica with a new one, one at a time, without taking the cluster down.</para>
/// <para type="description">Update-HaCluster replaces every replica by a new one made with the cluster's current settings, with new keys and certificates: first a backup (safety rule 12), then one replica at a time, surge first: a replacement is added in the old replica's zone (as a learner, promoted once caught up) and waited for until the load balancer serves it, then the old replica is removed (out of the load balancer, leadership handed on, member removed, data wiped). Followers go first and the leader last, so the cluster never has fewer healthy voters than when the rollout began and the cluster address keeps answering. Progress shows which replica of how many is being replaced. It needs every replica healthy (ClusterUnhealthy otherwise: etcd admits no new member while a voter is down; repair the unhealthy replica instead). An interrupted rollout is finished by the next command on the cluster, replacing only the replicas that are still old; if it cannot go on then, it is given up with a warning that names them. -WhatIf lists the replicas that would be replaced.</para>
/// <para type="description">-Rollout replaces every replica with the settings the cluster has. On a Gce cluster, -KubernetesVersion, -EtcdVersion and -MachineType change those settings: they are checked, recorded on the cluster after the backup (so every replica made later uses them too), and every replica is then replaced. Kubernetes moves one minor version at a time and goes downwards only with -Force; etcd moves at most one minor version up, never to an older minor version, and stays within the releases HaMaster supports (v3.4 to v3.6); a step outside these rules fails with the error VersionChangeRefused and changes nothing. Settings the cluster has already change nothing and replace nothing (add -Rollout to replace the replicas anyway).</para>
/// </summary>
/// <example title="Replace every replica">
/// <code>
/// Update-HaCluster -Cluster demo -Rollout
/// </code>
/// <para>Replaces the three replicas of demo one at a time and lists the new ones.</para>
/// </example>
/// <example title="See what a rollout would replace">
/// <code>
/// Update-HaCluster -Cluster demo -Rollout -WhatIf
/// </code>
/// <para>Names every replica that would be replaced, and changes nothing.</para>
/// </example>
/// <example title="Move a Gce cluster to the next Kubernetes minor version">
/// <code>
/// Update-HaCluster -Cluster prod -KubernetesVersion v1.35.0
/// </code>
/// <para>Records v1.35.0 on the cluster and replaces every VM with one that runs it, one at a time.</para>
/// </example>
/// <returns>The cluster's replicas after the update, one MasterReplica each.</returns>
/// <seealso cref="RepairMasterReplicaCommand"/>
[Cmdlet(VerbsData.Update, "HaCluster", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = RolloutSet)]
[OutputType(typeof(MasterReplica))]
public sealed class UpdateHaClusterCommand : HaCmdlet
{
    private const string RolloutSet = "Rollout";
    private const string SettingsSet = "Settings";

    /// <summary>
    /// The name of the cluster. Required; no wildcards. Accepts a cluster name, or the Cluster property of a piped HaCluster. An unknown name fails with the error ClusterNotFound.
    /// </summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(ClusterNameCompleter))]
    public string Cluster { get; set; } = "";

    /// <summary>
    /// Replaces every replica with a new one made with the cluster's settings, new keys and certificates included, one at a time, each replacement served before an old replica is removed; with a setting that is already the cluster's, replaces the replicas all the same.
    /// </summary>
    [Parameter(Mandatory = true, ParameterSetName = RolloutSet)]
    [Parameter(ParameterSetName = SettingsSet)]
    public SwitchParameter Rollout { get; set; }

    /// <summary>
    /// The kube-apiserver release every replica of a Gce cluster is to run, such as v1.35.0: recorded on the cluster, then every replica is replaced. One minor version up at a time; downwards only with -Force; otherwise the error VersionChangeRefused. A value not of the form vMAJOR.MINOR.PATCH fails with the error InvalidProviderSetting. Gce only: a Local cluster fails with the error ProviderParameterNotSupported.
    /// </summary>
    [Parameter(ParameterSetName = SettingsSet)]
    public string? KubernetesVersion { get; set; }

    /// <summary>
    /// The etcd release every replica of a Gce cluster is to run, such as v3.5.21: recorded on the cluster, then every replica is replaced. At most one minor version up, never to an older minor version, a patch release downwards only with -Force (otherwise the error VersionChangeRefused); releases from v3.4.0 up to, not including, v3.7.0 (otherwise InvalidProviderSetting). Gce only.
    /// </summary>
    [Parameter(ParameterSetName = SettingsSet)]
    public string? EtcdVersion { get; set; }

    /// <summary>
    /// The Compute Engine machine type of every replica of a Gce cluster, such as e2-standard-4: recorded on the cluster, then every replica is replaced. Gce only.
    /// </summary>
    [Parameter(ParameterSetName = SettingsSet)]
    public string? MachineType { get; set; }

    /// <summary>
    /// Allows a version downwards (a Kubernetes release of the same or the previous minor version, an etcd patch release of the same minor version).
    /// </summary>
    [Parameter(ParameterSetName = SettingsSet)]
    public SwitchParameter Force { get; set; }

    protected override void ProcessRecord() => ForEachInput(() =>
    {
        var change = new ReplicaSettingsChange(KubernetesVersion, EtcdVersion, MachineType);
        var plan = CreateEngine().PlanUpdate(Cluster, change, Rollout, Force);
        if (!ShouldProcess(Cluster, Describe(plan))) return;
        foreach (var replica in Run((engine, token) => engine.UpdateAsync(Cluster, change, Rollout, Force, token)))
            WriteObject(replica);
    });

    private static string Describe(UpdatePlan plan)
    {
        if (plan.Replicas.Count == 0) return "Nothing to change: the cluster has these settings already";
        var replace = $"Replace every replica, one at a time, each new one served before an old one goes: {string.Join(", ", plan.Replicas)}";
        return plan.Settings.Count == 0 ? replace : $"Record {string.Join(", ", plan.Settings.Select(s => $"{s.Key} {s.Value}"))}, then: {replace}";
    }
}
