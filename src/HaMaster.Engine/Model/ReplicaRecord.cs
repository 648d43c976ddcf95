namespace HaMaster.Engine.Model;

/// <summary>What the cluster state remembers about one replica.</summary>
public sealed class ReplicaRecord
{
    public required string Name { get; init; }
    public required string Zone { get; init; }
    public required string InternalAddress { get; init; }
    public string? ExternalAddress { get; set; }
    public ReplicaPhase Phase { get; set; }
    /// <summary>The etcd member id, once etcd has assigned one.</summary>
    public ulong? EtcdMemberId { get; set; }
    /// <summary>Provider-specific bookkeeping, such as process ids on the Local provider.</summary>
    public Dictionary<string, string> ProviderData { get; init; } = new();
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>Keeps what a provider observed about this replica.</summary>
    public void Apply(Providers.ReplicaObservation observation)
    {
        if (observation.ExternalAddressSeen) ExternalAddress = observation.ExternalAddress;
        foreach (var (key, value) in observation.ProviderData) ProviderData[key] = value;
    }

    public string PeerUrl => $"https://{InternalAddress}:{Ports.EtcdPeer}";
    public string ClientUrl => $"https://{InternalAddress}:{Ports.EtcdClient}";
}
