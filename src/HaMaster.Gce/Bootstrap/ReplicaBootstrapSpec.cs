using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using HaMaster.Engine.Etcd;
using HaMaster.Engine.Model;
using HaMaster.Engine.Providers;

namespace HaMaster.Gce.Bootstrap;

/// <summary>
/// Everything a replica VM needs to configure itself, apart from its certificates and keys (those
/// travel in instance metadata under <see cref="ReplicaMetadataKeys"/>).
/// </summary>
public sealed partial record ReplicaBootstrapSpec
{
    /// <summary>The default service range; its first address (10.0.0.1) is in every API server certificate.</summary>
    public const string DefaultServiceClusterIpRange = "10.0.0.0/24";

    public required string ClusterName { get; init; }
    public required string ReplicaName { get; init; }
    /// <summary>The VM's internal (VPC) address: etcd listens and peers on it.</summary>
    public required string InternalAddress { get; init; }
    /// <summary>The cluster's static address: kube-apiserver advertises it, as kube-up's replicas did.</summary>
    public required string ClusterAddress { get; init; }
    public string KubernetesVersion { get; init; } = KubernetesRelease.DefaultVersion;
    public string EtcdVersion { get; init; } = EtcdRelease.DefaultVersion;
    /// <summary>The members the etcd member knows when it first starts: name and peer URL of each, itself included.</summary>
    public required IReadOnlyList<KeyValuePair<string, string>> EtcdInitialCluster { get; init; }
    /// <summary>True for the member that founds the cluster (<c>new</c>); false for one that joins (<c>existing</c>).</summary>
    public required bool EtcdNewCluster { get; init; }
    public required string EtcdClusterToken { get; init; }
    public long EtcdQuotaBytes { get; init; } = EtcdQuota.DefaultBytes;
    /// <summary>kube-up's ENABLE_ETCD_QUORUM_READ. Every supported kube-apiserver reads with quorum; see <see cref="KubernetesRelease.EtcdQuorumReadFlagRemoved"/>.</summary>
    public bool EnableEtcdQuorumReads { get; init; }
    public string ServiceClusterIpRange { get; init; } = DefaultServiceClusterIpRange;
    /// <summary>A restore this boot carries out before etcd starts (Restore-HaCluster); null for every other boot.</summary>
    public SnapshotRestoreSpec? Restore { get; init; }

    public string EtcdInitialClusterState => EtcdNewCluster ? "new" : "existing";

    /// <summary>The spec of a replica recorded in a cluster's state, starting as <paramref name="bootstrap"/> says.</summary>
    public static ReplicaBootstrapSpec For(ClusterState cluster, ReplicaRecord replica, EtcdBootstrap bootstrap, string? kubernetesVersion = null, string? etcdVersion = null) => new()
    {
        ClusterName = cluster.Name,
        ReplicaName = replica.Name,
        InternalAddress = replica.InternalAddress,
        ClusterAddress = cluster.Address,
        KubernetesVersion = kubernetesVersion ?? KubernetesRelease.DefaultVersion,
        EtcdVersion = etcdVersion ?? EtcdRelease.DefaultVersion,
        EtcdInitialCluster = bootstrap.InitialCluster,
        EtcdNewCluster = bootstrap.NewCluster,
        EtcdClusterToken = cluster.EtcdClusterToken,
        EtcdQuotaBytes = cluster.EtcdQuotaBytes,
        EnableEtcdQuorumReads = cluster.EtcdQuorumReads,
    };

    [GeneratedRegex("^[A-Za-z0-9._-]{1,128}$")]
    private static partial Regex Token();

    [GeneratedRegex("^https://[A-Za-z0-9.-]+:[0-9]{1,5}$")]
    private static partial Regex PeerUrl();

    /// <summary>
    /// Checks every value that goes into the script: the script is bash and systemd units, so values
    /// are held to plain characters rather than quoted.
    /// </summary>
    public void Validate()
    {
        Require(GceNames.IsValid(ClusterName), $"The cluster name '{ClusterName}' is not a valid Compute Engine name.");
        Require(GceNames.IsValid(ReplicaName), $"The replica name '{ReplicaName}' is not a valid Compute Engine name.");
        RequireIPv4(InternalAddress, "internal address");
        RequireIPv4(ClusterAddress, "cluster address");
        KubernetesRelease.Parse(KubernetesVersion);
        EtcdRelease.Parse(EtcdVersion);
        Require(Token().IsMatch(EtcdClusterToken ?? ""), "The etcd cluster token must be 1 to 128 letters, digits, dots, underscores or hyphens.");
        Require(EtcdInitialCluster is { Count: > 0 }, "The etcd initial cluster is empty.");
        foreach (var (name, url) in EtcdInitialCluster!)
        {
            Require(GceNames.IsValid(name), $"The etcd member name '{name}' is not a valid Compute Engine name.");
            Require(PeerUrl().IsMatch(url ?? ""), $"The etcd peer URL '{url}' of member '{name}' is not of the form https://<address>:<port>.");
        }
        Require(EtcdInitialCluster!.Select(m => m.Key).Distinct(StringComparer.Ordinal).Count() == EtcdInitialCluster!.Count, "The etcd initial cluster names a member twice.");
        Require(EtcdInitialCluster!.Any(m => m.Key == ReplicaName && m.Value == GceEtcdMember.PeerUrl(InternalAddress)),
            $"The etcd initial cluster must contain this replica as {ReplicaName}={GceEtcdMember.PeerUrl(InternalAddress)}.");
        Require(EtcdQuotaBytes is >= EtcdQuota.MinBytes and <= EtcdQuota.MaxBytes, $"The etcd quota {EtcdQuotaBytes} is outside {EtcdQuota.MinBytes} to {EtcdQuota.MaxBytes} bytes.");
        RequireCidr(ServiceClusterIpRange);
        Restore?.Validate();
    }

    private static void RequireIPv4(string? value, string what) =>
        Require(IPAddress.TryParse(value, out var address) && address.AddressFamily == AddressFamily.InterNetwork && address.ToString() == value,
            $"The {what} '{value}' is not an IPv4 address.");

    private static void RequireCidr(string? value)
    {
        var parts = (value ?? "").Split('/');
        Require(parts.Length == 2 && IPAddress.TryParse(parts[0], out var address) && address.AddressFamily == AddressFamily.InterNetwork
                && address.ToString() == parts[0] && int.TryParse(parts[1], out var bits) && bits is >= 12 and <= 30 && parts[1] == bits.ToString(),
            $"The service range '{value}' is not an IPv4 CIDR between /12 and /30.");
    }

    private static void Require(bool condition, string message)
    {
        if (!condition) throw new ArgumentException(message);
    }
}
