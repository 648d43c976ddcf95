namespace HaMaster.Engine.Providers;

/// <summary>
/// What a provider learnt about a replica while working on it that the replica's record keeps: its
/// address as seen from outside, or provider data such as an SSH host key pinned on first use.
/// Providers never write the engine's records; they report this, and the engine records it
/// (<see cref="Flows.ClusterSession.Record"/>).
/// </summary>
public sealed record ReplicaObservation(string Replica)
{
    /// <summary>Whether <see cref="ExternalAddress"/> was seen (it may be null: the replica has none).</summary>
    public bool ExternalAddressSeen { get; init; }
    public string? ExternalAddress { get; init; }
    public IReadOnlyDictionary<string, string> ProviderData { get; init; } = new Dictionary<string, string>();

    public static ReplicaObservation OfExternalAddress(string replica, string? address) =>
        new(replica) { ExternalAddressSeen = true, ExternalAddress = address };

    public static ReplicaObservation OfProviderData(string replica, string key, string value) =>
        new(replica) { ProviderData = new Dictionary<string, string> { [key] = value } };
}
