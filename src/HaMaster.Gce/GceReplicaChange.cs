namespace HaMaster.Gce;

/// <summary>
/// Something the provider learnt about a replica that the engine's record of it keeps. The provider
/// writes it into the record in one place (<see cref="GceProvider"/>'s <c>Record</c>), so that it can
/// later be returned to the engine, which records it, instead.
/// </summary>
internal abstract record GceReplicaChange
{
    /// <summary>The VM's external address once it runs (null: it has none); kept in <c>ReplicaRecord.ExternalAddress</c>.</summary>
    public sealed record ExternalAddressSeen(string? Address) : GceReplicaChange;

    /// <summary>The SSH host key the VM presented when a tunnel was opened; pinned in the replica's provider data.</summary>
    public sealed record SshHostKeySeen(string Fingerprint) : GceReplicaChange;
}
