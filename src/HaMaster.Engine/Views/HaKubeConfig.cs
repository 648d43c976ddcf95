namespace HaMaster;

/// <summary>
/// A credential written into a kubeconfig by Export-HaKubeConfig: where it went and until when it
/// works. It carries no key; the key is only in the file.
/// </summary>
public sealed class HaKubeConfig
{
    public required string Cluster { get; init; }
    /// <summary>The context (and the cluster and user entries) written: hamaster-&lt;cluster&gt;.</summary>
    public required string Context { get; init; }
    /// <summary>The user the API server sees (the certificate's common name); its group is system:masters.</summary>
    public required string UserName { get; init; }
    /// <summary>The cluster endpoint the kubeconfig points at.</summary>
    public required string Server { get; init; }
    /// <summary>The kubeconfig file written.</summary>
    public required string Path { get; init; }
    public DateTimeOffset ExpiresAt { get; init; }
    public required string Thumbprint { get; init; }

    public override string ToString() => Context;
}
