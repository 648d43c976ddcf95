namespace HaMaster.Engine.Credentials;

/// <summary>
/// What one cluster contributes to a kubeconfig: a cluster, a user and a context, all three named
/// <paramref name="Name"/>. Certificates and the key are PEM.
/// </summary>
public sealed record KubeConfigEntry(string Name, string Server, string CertificateAuthorityPem, string ClientCertificatePem, string ClientKeyPem);
