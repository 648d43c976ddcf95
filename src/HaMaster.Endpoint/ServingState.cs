using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace HaMaster.Endpoint;

/// <summary>
/// Everything a connection needs, built from one version of the config. A reload builds a new
/// instance and swaps it in; connections already running keep the one they started with.
/// </summary>
public sealed class ServingState : IDisposable
{
    private ServingState(EndpointConfig config, SslStreamCertificateContext serverCertificate, ClientAuthenticator clients, EtcdReadinessProbe readiness, string versionJson)
    {
        Config = config;
        ServerCertificate = serverCertificate;
        Clients = clients;
        Readiness = readiness;
        VersionJson = versionJson;
    }

    public EndpointConfig Config { get; }
    public SslStreamCertificateContext ServerCertificate { get; }
    public ClientAuthenticator Clients { get; }
    public EtcdReadinessProbe Readiness { get; }
    public string VersionJson { get; }

    /// <exception cref="EndpointConfigException">A certificate or key cannot be loaded, or gitVersion is invalid.</exception>
    public static ServingState Create(EndpointConfig config)
    {
        string versionJson = ApiVersionInfo.FromGitVersion(config.GitVersion).ToJson();
        X509Certificate2 leaf = PemCertificates.LoadWithPrivateKey(config.CertFile, config.KeyFile);
        // The cert file may carry intermediates after the leaf; they are sent along in the handshake.
        X509Certificate2Collection intermediates = PemCertificates.LoadAll(config.CertFile);
        intermediates.RemoveAt(0);
        var clients = new ClientAuthenticator(config.ClientCaFile is null ? [] : PemCertificates.LoadAll(config.ClientCaFile));
        // The client CAs are named in the handshake (as Go's server does), so a client holding several
        // certificates sends the one this server can authenticate.
        var serverCertificate = SslStreamCertificateContext.Create(leaf, intermediates, offline: true, clients.HandshakeTrust);
        var readiness = new EtcdReadinessProbe(config.Etcd);
        return new ServingState(config, serverCertificate, clients, readiness, versionJson);
    }

    public void Dispose() => Readiness.Dispose();
}
