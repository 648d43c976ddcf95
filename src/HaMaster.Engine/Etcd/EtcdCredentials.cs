using System.Security.Cryptography.X509Certificates;

namespace HaMaster.Engine.Etcd;

/// <summary>The module's etcd client identity and the only CA it trusts for etcd servers.</summary>
public sealed record EtcdCredentials(X509Certificate2 TrustedCa, X509Certificate2 ClientCertificate);
