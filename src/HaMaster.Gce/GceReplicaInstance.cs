using HaMaster.Engine.Model;
using HaMaster.Engine.Pki;
using HaMaster.Engine.Providers;
using HaMaster.Gce.Bootstrap;
using HaMaster.Gce.Compute;
using HaMaster.Gce.Ssh;

namespace HaMaster.Gce;

/// <summary>
/// What a replica's VM looks like, as kube-up made its masters: labelled with its cluster and role,
/// tagged with the master tag the firewalls aim at, a boot disk that goes with it, the replica's
/// internal address, one access config, and metadata it configures itself from (the startup script
/// and its inputs, the module's SSH key, guest attributes on so it publishes its host keys).
/// </summary>
public static class GceReplicaInstance
{
    public const string ClusterLabel = "cluster";
    public const string RoleLabel = "role";
    public const string MasterRole = "master";
    public const string SshKeysMetadataKey = "ssh-keys";

    /// <summary>
    /// The metadata of <paramref name="replica"/>'s VM (<see cref="ReplicaMetadata"/>, plus the key the
    /// module's SSH user logs in with and the switch that lets the guest publish its host keys), with
    /// <paramref name="restore"/> carried out at its next boot.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Metadata(
        ClusterState cluster, ReplicaRecord replica, EtcdBootstrap bootstrap, ReplicaCertificateFiles certificates,
        GceClusterSettings settings, GceKeyFiles keys, string sshUser, SnapshotRestoreSpec? restore = null)
    {
        var spec = ReplicaBootstrapSpec.For(cluster, replica, bootstrap, settings.KubernetesVersion, settings.EtcdVersion) with { Restore = restore };
        spec.Validate();
        return new Dictionary<string, string>(ReplicaMetadata.Items(spec, certificates, keys.ServiceAccountKey(cluster.Name)), StringComparer.Ordinal)
        {
            [SshKeysMetadataKey] = keys.SshKey(cluster.Name).GceSshKeysEntry(sshUser),
            [PublishedHostKeys.EnableMetadataKey] = "TRUE",
        };
    }

    /// <summary>
    /// The insert body of <paramref name="replica"/>'s VM. The only replica of the cluster gets the
    /// static address on its access config, others an ephemeral one.
    /// </summary>
    public static Instance New(ClusterState cluster, ReplicaRecord replica, IReadOnlyDictionary<string, string> metadata, GceClusterSettings settings, string image)
    {
        var holdsClusterAddress = cluster.Replicas.Count == 1 && cluster.Replicas[0].Name == replica.Name;
        return new Instance
        {
            Name = replica.Name,
            Description = $"HaMaster cluster {cluster.Name}: control-plane replica",
            MachineType = $"zones/{replica.Zone}/machineTypes/{settings.MachineType}",
            Labels = new Dictionary<string, string> { [ClusterLabel] = cluster.Name, [RoleLabel] = MasterRole },
            Tags = new Tags { Items = [GceNames.Master(cluster.Name)] },
            Disks =
            [
                new AttachedDisk
                {
                    Boot = true,
                    AutoDelete = true,
                    Type = "PERSISTENT",
                    InitializeParams = new AttachedDiskInitializeParams { SourceImage = image },
                },
            ],
            NetworkInterfaces =
            [
                new NetworkInterface
                {
                    Network = ComputeLinks.Network(settings.Project, settings.Network),
                    NetworkIP = replica.InternalAddress,
                    AccessConfigs =
                    [
                        new AccessConfig
                        {
                            Name = GceFrontend.AccessConfigName,
                            Type = AccessConfig.OneToOneNat,
                            NatIP = holdsClusterAddress ? cluster.Address : null,
                        },
                    ],
                },
            ],
            Metadata = new Metadata { Items = Items(metadata) },
        };
    }

    /// <summary>The metadata to set on <paramref name="instance"/>, or null when it holds <paramref name="wanted"/> already.</summary>
    public static Metadata? MetadataUpdate(Instance instance, IReadOnlyDictionary<string, string> wanted)
    {
        var items = instance.Metadata?.Items ?? [];
        var same = items.Count == wanted.Count && items.All(i => i.Key is not null && wanted.TryGetValue(i.Key, out var v) && v == i.Value);
        return same ? null : new Metadata { Fingerprint = instance.Metadata?.Fingerprint, Items = Items(wanted) };
    }

    /// <summary>The external address of the VM's first access config; null when it has none (or is stopped with an ephemeral one).</summary>
    public static string? ExternalAddress(Instance instance) =>
        instance.NetworkInterfaces?.FirstOrDefault()?.AccessConfigs?.FirstOrDefault()?.NatIP;

    private static List<MetadataItem> Items(IReadOnlyDictionary<string, string> metadata) =>
        metadata.Select(i => new MetadataItem { Key = i.Key, Value = i.Value }).ToList();
}
