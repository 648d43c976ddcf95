using HaMaster.Engine;
using HaMaster.Engine.Model;
using HaMaster.Engine.Providers;
using HaMaster.Gce.Bootstrap;
using HaMaster.Gce.Compute;

namespace HaMaster.Gce;

/// <summary>
/// Where a cluster lives on Compute Engine and how its replicas are made and reached, as recorded in
/// its provider data (<see cref="ClusterState.ProviderData"/>) at creation and read back once per call.
/// A cluster recorded before a setting existed gets a fallback: the state's own project and region,
/// then gcloud's settings; the provider's options for the network, machine type, subnet range and
/// access.
/// </summary>
public sealed record GceClusterSettings
{
    public const string ProjectKey = "project";
    public const string RegionKey = "region";
    public const string NetworkKey = "network";
    public const string SubnetRangeKey = "subnetRange";
    public const string AccessKey = "access";
    public const string MachineTypeKey = "machineType";
    public const string KubernetesVersionKey = "kubernetesVersion";
    public const string EtcdVersionKey = "etcdVersion";

    public required string Project { get; init; }
    public required string Region { get; init; }
    public required string Network { get; init; }

    /// <summary>The IPv4 range replicas take their internal addresses from (<see cref="GceSubnet"/>); null when none is recorded or known.</summary>
    public string? SubnetRange { get; init; }

    public required GceAccess Access { get; init; }
    public required string MachineType { get; init; }

    /// <summary>The kube-apiserver release of the replicas; null when none is recorded (the bootstrap's default).</summary>
    public string? KubernetesVersion { get; init; }

    /// <summary>The etcd release of the replicas; null when none is recorded (the bootstrap's default).</summary>
    public string? EtcdVersion { get; init; }

    public GceLocation Location => new(Project, Region);

    /// <summary>
    /// The settings of a new cluster: the request's project, else the options', else gcloud's; the
    /// request's zone (already resolved) and region, else the zone's; the options' subnet range, else
    /// the region's in an auto-mode network.
    /// </summary>
    public static GceClusterSettings ForNewCluster(NewClusterRequest request, GceProviderOptions options)
    {
        ArgumentNullException.ThrowIfNull(request);
        var project = GceDefaults.Project(request.Project, options);
        var zone = request.Zone ?? GceDefaults.Zone();
        var region = request.Region ?? GceDefaults.RegionOf(zone);
        var subnet = options.SubnetRange ?? GceSubnet.AutoModeRange(region) ?? throw GceErrors.UnknownSubnetRange(region, options.Network);
        GceSubnet.Parse(subnet);
        return new GceClusterSettings
        {
            Project = project,
            Region = region,
            Network = options.Network,
            SubnetRange = subnet,
            Access = options.Access,
            MachineType = options.MachineType,
            KubernetesVersion = options.KubernetesVersion,
            EtcdVersion = EtcdRelease.DefaultVersion,
        };
    }

    /// <summary>The settings <paramref name="cluster"/> recorded, with the fallbacks for what it did not.</summary>
    public static GceClusterSettings Of(ClusterState cluster, GceProviderOptions options)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        var data = cluster.ProviderData;
        var project = data.GetValueOrDefault(ProjectKey) ?? cluster.Project ?? GceDefaults.Project(null, options);
        var region = data.GetValueOrDefault(RegionKey) ?? cluster.Region ?? GceSettings.RegionOf(cluster.Zone)
                     ?? throw GceErrors.NoRegionRecorded(cluster.Name, cluster.Zone);
        return new GceClusterSettings
        {
            Project = project,
            Region = region,
            Network = data.GetValueOrDefault(NetworkKey) ?? options.Network,
            SubnetRange = data.GetValueOrDefault(SubnetRangeKey) ?? options.SubnetRange ?? GceSubnet.AutoModeRange(region),
            Access = data.TryGetValue(AccessKey, out var access) && Enum.TryParse<GceAccess>(access, ignoreCase: true, out var parsed) ? parsed : options.Access,
            MachineType = data.GetValueOrDefault(MachineTypeKey) ?? options.MachineType,
            KubernetesVersion = data.GetValueOrDefault(KubernetesVersionKey),
            EtcdVersion = data.GetValueOrDefault(EtcdVersionKey),
        };
    }

    /// <summary>
    /// The provider data entries that record <paramref name="change"/> for the replicas made from now
    /// on: only the settings that differ from these, each checked (<see cref="VersionChange"/>).
    /// </summary>
    public IReadOnlyDictionary<string, string> Change(ReplicaSettingsChange change, bool force)
    {
        ArgumentNullException.ThrowIfNull(change);
        var entries = new Dictionary<string, string>(StringComparer.Ordinal);
        var kubernetes = KubernetesVersion ?? KubernetesRelease.DefaultVersion;
        if (change.KubernetesVersion is { } newKubernetes && newKubernetes != kubernetes)
        {
            VersionChange.CheckKubernetes(kubernetes, newKubernetes, force);
            entries[KubernetesVersionKey] = newKubernetes;
        }
        var etcd = EtcdVersion ?? EtcdRelease.DefaultVersion;
        if (change.EtcdVersion is { } newEtcd && newEtcd != etcd)
        {
            VersionChange.CheckEtcd(etcd, newEtcd, force);
            entries[EtcdVersionKey] = newEtcd;
        }
        if (change.MachineType is { } machineType && machineType != MachineType)
        {
            if (!GceNames.IsValid(machineType))
                throw GceErrors.InvalidSetting("machine type", machineType, "Give a Compute Engine machine type such as e2-standard-4.",
                    new FormatException($"'{machineType}' is not a Compute Engine name."));
            entries[MachineTypeKey] = machineType;
        }
        return entries;
    }

    /// <summary>Records these settings in a cluster's provider data.</summary>
    public void WriteTo(IDictionary<string, string> providerData)
    {
        ArgumentNullException.ThrowIfNull(providerData);
        providerData[ProjectKey] = Project;
        providerData[RegionKey] = Region;
        providerData[NetworkKey] = Network;
        if (SubnetRange is not null) providerData[SubnetRangeKey] = SubnetRange;
        providerData[AccessKey] = Access.ToString();
        providerData[MachineTypeKey] = MachineType;
        if (KubernetesVersion is not null) providerData[KubernetesVersionKey] = KubernetesVersion;
        if (EtcdVersion is not null) providerData[EtcdVersionKey] = EtcdVersion;
    }
}
