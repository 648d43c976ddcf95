using HaMaster.Engine.Errors;

namespace HaMaster.Engine.Providers;

/// <summary>
/// A change of the settings new replicas are made with (Update-HaCluster -KubernetesVersion,
/// -EtcdVersion, -MachineType); null leaves a setting as it is. Whether a provider has a setting at
/// all, and which values it takes, is the provider's to say (<see cref="IReplicaProvider.PlanSettingsChange"/>).
/// </summary>
public sealed record ReplicaSettingsChange(string? KubernetesVersion = null, string? EtcdVersion = null, string? MachineType = null)
{
    public static ReplicaSettingsChange None { get; } = new();

    /// <summary>Each setting given, by the name of its parameter.</summary>
    public IEnumerable<(string Parameter, string Value)> Given()
    {
        if (KubernetesVersion is not null) yield return (nameof(KubernetesVersion), KubernetesVersion);
        if (EtcdVersion is not null) yield return (nameof(EtcdVersion), EtcdVersion);
        if (MachineType is not null) yield return (nameof(MachineType), MachineType);
    }

    /// <summary>
    /// Throws <see cref="ErrorIds.ProviderParameterNotSupported"/> for the first setting given, for a
    /// provider that has none of them; <paramref name="why"/> says what the provider runs instead.
    /// </summary>
    public void RefuseAll(string why)
    {
        foreach (var (parameter, value) in Given())
            throw new HaException(ErrorIds.ProviderParameterNotSupported,
                $"-{parameter} applies to the Gce provider only; {why}.",
                $"Omit -{parameter}. Update-HaCluster -Rollout replaces every replica with the cluster's current settings.", value);
    }
}
