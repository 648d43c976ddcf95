using HaMaster.Engine.Model;
using HaMaster.Engine.Providers;
using HaMaster.Gce.Bootstrap;

namespace HaMaster.Gce.Tests.Bootstrap;

/// <summary>
/// A three-replica cluster twice: on Compute Engine (internal addresses in a VPC) and the equivalent
/// on the Local provider (loopback addresses), with the same names and etcd cluster token.
/// </summary>
internal static class ThreeReplicaCluster
{
    public const string Cluster = "demo";
    public const string Token = "demo-0f1e2d3c4b5a69788796a5b4c3d2e1f0";
    public const string GceClusterAddress = "34.120.7.9";
    public const string LocalClusterAddress = "127.0.9.1";

    public static readonly string[] Names = ["demo-master", "demo-master-1a2", "demo-master-3bc"];
    public static readonly string[] GceAddresses = ["10.128.0.2", "10.132.0.7", "10.142.0.12"];
    public static readonly string[] LocalAddresses = ["127.0.9.2", "127.0.9.3", "127.0.9.4"];

    /// <summary>Replica <paramref name="index"/> as it starts: the first founds the cluster, the others join it.</summary>
    public static ReplicaBootstrapSpec GceSpec(int index, bool quorumReads = true) => new()
    {
        ClusterName = Cluster,
        ReplicaName = Names[index],
        InternalAddress = GceAddresses[index],
        ClusterAddress = GceClusterAddress,
        EtcdInitialCluster = Enumerable.Range(0, index + 1)
            .Select(i => KeyValuePair.Create(Names[i], $"https://{GceAddresses[i]}:2380")).ToList(),
        EtcdNewCluster = index == 0,
        EtcdClusterToken = Token,
        EnableEtcdQuorumReads = quorumReads,
    };

    public static ClusterState LocalCluster() => new()
    {
        Name = Cluster,
        Provider = ProviderKind.Local,
        Zone = "local-a",
        Address = LocalClusterAddress,
        EtcdClusterToken = Token,
        EtcdQuorumReads = true,
        Replicas = Names.Select((name, i) => new ReplicaRecord { Name = name, Zone = "local-a", InternalAddress = LocalAddresses[i] }).ToList(),
    };

    public static EtcdBootstrap LocalBootstrap(ClusterState cluster, int index) => new(
        cluster.Replicas.Take(index + 1).Select(r => KeyValuePair.Create(r.Name, r.PeerUrl)).ToList(),
        NewCluster: index == 0);
}
