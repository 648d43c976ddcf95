using HaMaster.Engine.Model;

namespace HaMaster.Engine.Providers;

/// <summary>What the provider sees of a replica's machinery, without asking etcd or the API.</summary>
public sealed record ReplicaRuntime(ReplicaStatus Status, IReadOnlyList<string> Problems);
