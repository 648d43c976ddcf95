using HaMaster.Gce.Bootstrap;

namespace HaMaster.Gce;

/// <summary>How the module reaches a cluster's replicas (recorded per cluster in its provider data).</summary>
public enum GceAccess
{
    /// <summary>
    /// From outside the VPC (the default): etcd through an SSH tunnel to each replica's public address,
    /// forwarding to its etcd client port; API servers at their public addresses, their certificates
    /// checked for the replica's internal address.
    /// </summary>
    External,

    /// <summary>From inside the VPC: etcd and API servers at the replicas' internal addresses.</summary>
    Internal,
}

/// <summary>What the Gce provider creates, and how, beyond what the cluster's request says.</summary>
public sealed class GceProviderOptions
{
    public const string DefaultMachineType = "e2-standard-2";
    public const string DefaultImage = "projects/debian-cloud/global/images/family/debian-12";

    /// <summary>The project when neither the request nor gcloud's settings name one.</summary>
    public string? Project { get; set; }

    public string MachineType { get; set; } = DefaultMachineType;

    /// <summary>The kube-apiserver release replicas run (<c>v1.34.1</c>).</summary>
    public string KubernetesVersion { get; set; } = KubernetesRelease.DefaultVersion;
    public string Image { get; set; } = DefaultImage;
    public string Network { get; set; } = "default";

    /// <summary>
    /// The IPv4 range (CIDR) replicas take their internal addresses from. Null: the region's range in
    /// an auto-mode network (<see cref="GceSubnet.AutoModeRange"/>); a custom-mode network needs it.
    /// </summary>
    public string? SubnetRange { get; set; }

    public GceAccess Access { get; set; } = GceAccess.External;

    /// <summary>The user the module's SSH key is authorized for on every replica.</summary>
    public string SshUser { get; set; } = "hamaster";

    /// <summary>The longest wait for an instance to reach RUNNING or TERMINATED.</summary>
    public TimeSpan InstanceTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Between two reads of an instance's status while waiting for it.</summary>
    public TimeSpan StatusPollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Throws <see cref="Engine.Errors.ErrorIds.InvalidProviderSetting"/> naming the first setting that is not usable.</summary>
    public void Check()
    {
        if (SubnetRange is { } range)
            Check(range, "subnet range", "Give the IPv4 range (CIDR) of the subnet replicas use in the cluster's region, such as 10.128.0.0/20.", () => GceSubnet.Parse(range));
        Check(KubernetesVersion, "Kubernetes version", $"Give a release such as {KubernetesRelease.DefaultVersion}.", () => KubernetesRelease.Parse(KubernetesVersion));
        foreach (var (value, what) in new[] { (MachineType, "machine type"), (Network, "network") })
            Check(value, what, "Give a Compute Engine name: lowercase letters, digits and hyphens, such as e2-standard-2 or default.", () =>
            {
                if (!GceNames.IsValid(value)) throw new FormatException($"'{value}' is not a Compute Engine name.");
            });
        if (string.IsNullOrWhiteSpace(Image)) throw GceErrors.ImageNotSet();

        static void Check(string? value, string what, string action, Action parse)
        {
            try
            {
                parse();
            }
            catch (Exception e) when (e is FormatException or ArgumentException)
            {
                throw GceErrors.InvalidSetting(what, value, action, e);
            }
        }
    }
}
