namespace HaMaster.Local;

/// <summary>Where one local replica keeps its files.</summary>
public sealed record ReplicaLayout(string Directory)
{
    public string EtcdData => Path.Combine(Directory, "etcd-data");
    public string EtcdLog => Path.Combine(Directory, "etcd.log");
    public string EndpointConfig => Path.Combine(Directory, "endpoint.json");
    public string EndpointLog => Path.Combine(Directory, "endpoint.log");
    /// <summary>What only this replica's etcd has on its command line.</summary>
    public string EtcdMarker => $"--data-dir={EtcdData}";
    /// <summary>What only this replica's API endpoint has on its command line.</summary>
    public string EndpointMarker => EndpointConfig;
}
