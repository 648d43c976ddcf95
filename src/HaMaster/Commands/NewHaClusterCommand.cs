using System.Management.Automation;
using HaMaster.Completion;
using HaMaster.Engine;
using HaMaster.Engine.Errors;
using HaMaster.Engine.Model;
using HaMaster.Gce;

namespace HaMaster.Commands;

/// <summary>
/// <para type="synopsis">Creates an HA-compatible cluster with one master replica.</para>
/// <para type="description">Creates the cluster CA and the etcd CA, starts the first replica (an etcd member with mutual TLS and an API endpoint on its own address) and serves the cluster's stable address from it. Add replicas with Add-MasterReplica: the second one puts a load balancer on that address.</para>
/// </summary>
/// <example title="Create a local cluster">
/// <code>
/// New-HaCluster -Name demo
/// </code>
/// <para>Creates the cluster demo on this machine (the Local provider) with one replica, demo-master, in zone local-a. The output shows the cluster's stable API address (Address and Endpoint); with one replica that address is served by the replica itself.</para>
/// </example>
/// <example title="Create a three-replica cluster spread over three zones">
/// <code>
/// New-HaCluster -Name demo -MultiZone | Add-MasterReplica -Count 2
/// </code>
/// <para>Creates a cluster whose replicas may live in different zones, then adds two replicas to it, one at a time. Each new replica goes to the zone with the fewest replicas, so the three replicas end up in local-a, local-b and local-c; the second one puts a load balancer on the cluster address. Only the two new replicas are written to the output.</para>
/// </example>
/// <example title="Create a cluster on Compute Engine">
/// <code>
/// New-HaCluster -Name prod -Provider Gce -Project my-project -Zone us-central1-b -MultiZone | Add-MasterReplica -Count 2
/// </code>
/// <para>Reserves the static address prod-master-ip and the firewalls, creates the VM prod-master holding that address, then adds two replicas in the region's other zones; the second replica moves the address to a forwarding rule in front of a target pool. Credentials come from Application Default Credentials (gcloud auth application-default login). From outside the VPC (the default -Access External) HaMaster reaches etcd through SSH with a key it generates and stores with the cluster's state.</para>
/// </example>
/// <example title="Check what a creation would do">
/// <code>
/// New-HaCluster -Name staging -Zone local-b -EnableEtcdQuorumReads -WhatIf
/// </code>
/// <para>Shows what would be created (the cluster staging, its first replica in zone local-b, quorum reads recorded) and creates nothing. Run it again without -WhatIf to create the cluster.</para>
/// </example>
/// <returns>The new cluster with its live health: Status (Healthy once the first replica answers), Address (the stable API address), Endpoint (https://address:port), ReplicaCount 1, FaultTolerance 0, LoadBalancer empty until a second replica is added.</returns>
/// <remarks>
/// <para>The Local provider runs real processes on this machine: etcd (Debian package etcd-server) and HAProxy (package haproxy), found on PATH or named by $env:HAMASTER_ETCD and $env:HAMASTER_HAPROXY; a missing one fails with the error ComponentNotInstalled, which names the package to install. The API endpoint of each replica is a small stand-in that HaMaster runs itself, not a full kube-apiserver.</para>
/// <para>The Gce provider creates Compute Engine resources with kube-up's names (cluster-master, cluster-master-ip, cluster-master-https, cluster-master-etcd) and labels each VM with its cluster. Its settings (-Access, -KubernetesVersion, -MachineType, -Network, -SubnetRange) are recorded on the cluster, so later commands need none of them.</para>
/// <para>State is kept under $HaMasterHome (a session variable), else $env:HAMASTER_HOME, else ~/.hamaster. The processes outlive the PowerShell session; Get-HaCluster finds the cluster again later.</para>
/// </remarks>
/// <seealso cref="AddMasterReplicaCommand"/>
/// <seealso cref="GetMasterReplicaCommand"/>
[Cmdlet(VerbsCommon.New, "HaCluster", SupportsShouldProcess = true)]
[OutputType(typeof(HaCluster))]
public sealed class NewHaClusterCommand : HaCmdlet
{
    /// <summary>
    /// The name of the new cluster, unique on this machine. Lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen, at most 50 characters (the longest resource name derived from it, name-master-https, must fit in 63). The first replica is named name-master. Required; no default. An existing name fails with the error ClusterExists; an invalid one with InvalidClusterName.
    /// </summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    public string Name { get; set; } = "";

    /// <summary>
    /// Where the replicas run. Local (the default): each replica is a group of processes on this machine with its own loopback address (127.x.y.z), behind HAProxy from the second replica on. Gce: each replica is a Compute Engine VM (its startup script runs etcd and kube-apiserver) behind a network load balancer from the second replica on; credentials come from Application Default Credentials or CLOUDSDK_AUTH_ACCESS_TOKEN_FILE.
    /// </summary>
    [Parameter]
    public ProviderKind Provider { get; set; } = ProviderKind.Local;

    /// <summary>
    /// The zone of the first replica; it becomes the cluster's zone. By default the provider's default zone: local-a for the Local provider, whose zones are local-a, local-b and local-c; for Gce, CLOUDSDK_COMPUTE_ZONE, then gcloud's active configuration. A zone the provider does not have fails with the error UnknownZone. Without -MultiZone every later replica stays in this zone.
    /// </summary>
    [Parameter]
    [ArgumentCompleter(typeof(ZoneCompleter))]
    public string? Zone { get; set; }

    /// <summary>
    /// The Compute Engine project of a Gce cluster. Applies to -Provider Gce only: with the Local provider it is refused (error ProviderParameterNotSupported), because a Local cluster lives on this machine. When omitted, CLOUDSDK_CORE_PROJECT, then gcloud's active configuration.
    /// </summary>
    [Parameter]
    public string? Project { get; set; }

    /// <summary>
    /// Lets the cluster's replicas live in different zones of the provider (like kube-up's MULTIZONE=true). Add-MasterReplica then puts each new replica in the zone with the fewest replicas, or in the zone given by its -Zone. Off by default: every replica stays in the cluster's zone and Add-MasterReplica -Zone accepts only that zone.
    /// </summary>
    [Parameter]
    public SwitchParameter MultiZone { get; set; }

    /// <summary>
    /// Asks the cluster's API servers to read from etcd with quorum (linearizable) reads, like kube-up's ENABLE_ETCD_QUORUM_READS; recorded on the cluster and shown as its EtcdQuorumReads property. Off by default. The Local provider's stand-in API endpoint always reads with quorum, so there the switch is only recorded.
    /// </summary>
    [Parameter]
    public SwitchParameter EnableEtcdQuorumReads { get; set; }

    /// <summary>
    /// How many automatic backups to keep: every Add-, Remove- and Repair-MasterReplica first takes a backup (safety rule 12), and the oldest automatic ones beyond this number are deleted. Manual backups (Backup-HaCluster) are never pruned. Recorded on the cluster. Default 10; 1 to 1000.
    /// </summary>
    [Parameter]
    [ValidateRange(1, 1000)]
    public int BackupRetention { get; set; } = Engine.Model.ClusterState.DefaultBackupRetention;

    /// <summary>
    /// How long every leaf certificate of the cluster is valid (API serving, etcd member, the module's etcd client), such as 90.00:00:00. Recorded on the cluster and used for every replica added later. Default: 365 days. The certificate authorities last 10 years; a validity that is not positive or longer than that fails with the error InvalidCertificateValidity before anything is created.
    /// </summary>
    [Parameter]
    public TimeSpan CertificateValidity { get; set; } = Engine.Model.ClusterState.DefaultCertificateValidity;

    /// <summary>
    /// The etcd backend quota in bytes, such as 2GB: a database that reaches it raises etcd's NOSPACE alarm and the cluster takes no more writes (reads and deletes still work) instead of filling the disk; Optimize-HaCluster gives the space back and clears the alarm. Recorded on the cluster and given to every replica's etcd. Default 8GB, etcd's suggested maximum; a value below 16MB or above 8GB fails with the error InvalidEtcdQuota before anything is created.
    /// </summary>
    [Parameter]
    public long EtcdQuotaBytes { get; set; } = Engine.Etcd.EtcdQuota.DefaultBytes;

    /// <summary>
    /// How this machine reaches the replicas of a Gce cluster; recorded on the cluster. External (the default, for a machine outside the VPC): etcd through an SSH tunnel to each replica's public address with a key HaMaster generates (the VMs' host keys are read from their guest attributes), and API servers at their public addresses, their certificates checked for the replica's internal address. Internal (for a machine inside the VPC): etcd and API servers at the replicas' internal addresses. Applies to -Provider Gce only.
    /// </summary>
    [Parameter]
    [ValidateSet("External", "Internal")]
    public string? Access { get; set; }

    /// <summary>
    /// The kube-apiserver release the replicas of a Gce cluster install, such as v1.34.1 (the default); recorded on the cluster, so every later replica runs the same. Applies to -Provider Gce only; a value not of the form vMAJOR.MINOR.PATCH fails with the error InvalidProviderSetting.
    /// </summary>
    [Parameter]
    public string? KubernetesVersion { get; set; }

    /// <summary>
    /// The Compute Engine machine type of the replicas of a Gce cluster (default e2-standard-2); recorded on the cluster. Applies to -Provider Gce only.
    /// </summary>
    [Parameter]
    public string? MachineType { get; set; }

    /// <summary>
    /// The VPC network of a Gce cluster's replicas (default: default). Applies to -Provider Gce only.
    /// </summary>
    [Parameter]
    public string? Network { get; set; }

    /// <summary>
    /// The IPv4 range (CIDR, such as 10.128.0.0/20) of the subnet a Gce cluster's replicas take their internal addresses from. Needed for a custom-mode network; by default the range of the cluster's region in an auto-mode network. Applies to -Provider Gce only.
    /// </summary>
    [Parameter]
    public string? SubnetRange { get; set; }

    private protected override GceProviderOptions? GceOptions
    {
        get
        {
            var options = new GceProviderOptions { Project = Project, SubnetRange = SubnetRange };
            if (Access is not null) options.Access = Enum.Parse<GceAccess>(Access, ignoreCase: true);
            if (KubernetesVersion is not null) options.KubernetesVersion = KubernetesVersion;
            if (MachineType is not null) options.MachineType = MachineType;
            if (Network is not null) options.Network = Network;
            return options;
        }
    }

    protected override void ProcessRecord() => ForEachInput(() =>
    {
        if (Provider == ProviderKind.Local)
            RefuseGceParameters();
        CreateEngine().CheckNewClusterName(Name);
        if (!ShouldProcess(Name, $"Create {Provider} HA cluster"))
            return;
        var request = new NewClusterRequest(Name, Provider, Zone, Project, null, MultiZone, EnableEtcdQuorumReads, BackupRetention, CertificateValidity, EtcdQuotaBytes);
        WriteObject(Run((engine, token) => engine.NewClusterAsync(request, token)));
    });

    private void RefuseGceParameters()
    {
        var given = new (string Name, string? Value)[]
        {
            (nameof(Project), Project), (nameof(Access), Access), (nameof(KubernetesVersion), KubernetesVersion),
            (nameof(MachineType), MachineType), (nameof(Network), Network), (nameof(SubnetRange), SubnetRange),
        }.FirstOrDefault(p => p.Value is not null);
        if (given.Name is not null)
            throw new HaException(ErrorIds.ProviderParameterNotSupported,
                $"-{given.Name} applies to the Gce provider only; a Local cluster lives on this machine.",
                $"Omit -{given.Name}, or add -Provider Gce.", given.Value);
    }
}
