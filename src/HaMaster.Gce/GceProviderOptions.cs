namespace HaMaster.Gce;

/// <summary>How the module reaches a replica's etcd member (recorded per cluster in its provider data).</summary>
public enum GceEtcdAccess
{
    /// <summary>
    /// Through an SSH tunnel to the replica's external address, forwarding to its etcd client port on
    /// loopback (the module runs outside the VPC; the default).
    /// </summary>
    Ssh,

    /// <summary>Straight to the replica's internal address (the module runs inside the VPC).</summary>
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
    public string Image { get; set; } = DefaultImage;
    public string Network { get; set; } = "default";

    /// <summary>
    /// The IPv4 range (CIDR) replicas take their internal addresses from. Null: the region's range in
    /// an auto-mode network (<see cref="GceSubnet.AutoModeRange"/>); a custom-mode network needs it.
    /// </summary>
    public string? SubnetRange { get; set; }

    public GceEtcdAccess EtcdAccess { get; set; } = GceEtcdAccess.Ssh;

    /// <summary>The user the module's SSH key is authorized for on every replica.</summary>
    public string SshUser { get; set; } = "hamaster";

    /// <summary>The longest wait for an instance to reach RUNNING or TERMINATED.</summary>
    public TimeSpan InstanceTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Between two reads of an instance's status while waiting for it.</summary>
    public TimeSpan StatusPollInterval { get; set; } = TimeSpan.FromSeconds(2);
}
