namespace HaMaster.Engine.Providers;

/// <summary>How an etcd member starts: the members it knows at first, and whether it founds a new cluster or joins one.</summary>
public sealed record EtcdBootstrap(IReadOnlyList<KeyValuePair<string, string>> InitialCluster, bool NewCluster)
{
    public string InitialClusterFlag => string.Join(",", InitialCluster.Select(m => $"{m.Key}={m.Value}"));
}
