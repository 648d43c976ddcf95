namespace HaMaster.Engine;

/// <summary>
/// What Update-HaCluster would do: the provider settings it would record (provider data entries, only
/// those that change) and the replicas it would replace, in the order the state lists them.
/// </summary>
public sealed record UpdatePlan(IReadOnlyDictionary<string, string> Settings, IReadOnlyList<string> Replicas);
