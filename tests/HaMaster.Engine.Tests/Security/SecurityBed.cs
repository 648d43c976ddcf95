using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using dotnet_etcd;
using Grpc.Core;
using System.Text.Json;
using HaMaster.Engine.Certificates;
using HaMaster.Engine.Etcd;
using HaMaster.Engine.Model;
using HaMaster.Engine.Pki;
using HaMaster.Engine.Providers;
using HaMaster.Engine.Tests.Endpoint;
using HaMaster.Local;
using HaMaster.TestSupport;
using Xunit;

namespace HaMaster.Engine.Tests.Security;

/// <summary>
/// One test's world: a work folder, the cluster's PKI made by the engine (<see cref="ClusterPki"/>), a
/// foreign PKI made the same way (another CA the cluster must not trust), and the processes the test
/// starts. Disposing it kills every process and deletes the folder.
/// </summary>
internal sealed class SecurityBed : IDisposable
{
    public static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(60);

    private readonly List<ChildProcess> processes = [];

    public SecurityBed()
    {
        WorkDirectory = Directory.CreateTempSubdirectory("hm-sec-").FullName;
        Pki = new ClusterPki(Path.Combine(WorkDirectory, "pki"));
        Pki.CreateAuthorities("sec", Now);
        ForeignPki = new ClusterPki(Path.Combine(WorkDirectory, "foreign-pki"));
        ForeignPki.CreateAuthorities("foreign", Now);
    }

    public DateTimeOffset Now { get; } = DateTimeOffset.UtcNow;
    public string WorkDirectory { get; }
    /// <summary>The cluster's own certificate authorities and the module's etcd client identity.</summary>
    public ClusterPki Pki { get; }
    /// <summary>Authorities the cluster knows nothing about.</summary>
    public ClusterPki ForeignPki { get; }

    /// <summary>A nominal cluster address (in the API certificates); nothing listens on it. The range's
    /// block 0 is never handed out, so no process of the tests gets it.</summary>
    public IPAddress ClusterAddress { get; } = new([127, (byte)LoopbackAddresses.Security.SecondOctet, 0, 1]);

    public ClusterState Cluster => cluster ??= new ClusterState
    {
        Name = "sec",
        Zone = LocalProvider.LocalZones[0],
        Address = ClusterAddress.ToString(),
        EtcdClusterToken = "sec-" + Guid.NewGuid().ToString("N")[..8],
    };
    private ClusterState? cluster;

    /// <summary>The module's etcd client, as the engine opens it for this cluster.</summary>
    public EtcdGateway ModuleEtcdClient() => new(Pki.LoadEtcdCredentials()) { RequestTimeout = TimeSpan.FromSeconds(10) };

    public ProductEtcd Etcd(string name, IPAddress address) => new(this, name, address);

    internal ChildProcess Start(string program, IEnumerable<string> arguments)
    {
        var process = ChildProcess.Start(program, arguments, WorkDirectory);
        lock (processes) processes.Add(process);
        return process;
    }

    /// <summary>
    /// Runs HaMaster.Endpoint as the Local provider does, with the config it writes: serving
    /// <paramref name="servingCertificate"/> on <paramref name="listen"/>, reading its etcd member with
    /// that member's own certificate. Returns once the endpoint says it listens.
    /// </summary>
    public async Task<ChildProcess> StartEndpointAsync(string replica, IReadOnlyList<IPAddress> listen,
        (string CertFile, string KeyFile) servingCertificate, ProductEtcd etcd, ReplicaCertificateFiles etcdFiles)
    {
        var configFile = Path.Combine(WorkDirectory, $"{replica}-endpoint.json");
        File.WriteAllText(configFile, JsonSerializer.Serialize(new
        {
            replica,
            listen = listen.Select(a => $"{a}:{Ports.Api}").ToArray(),
            certFile = servingCertificate.CertFile,
            keyFile = servingCertificate.KeyFile,
            etcd = new { endpoint = etcd.ClientUrl, caFile = etcdFiles.EtcdCa, certFile = etcdFiles.EtcdCertificate, keyFile = etcdFiles.EtcdKey },
            gitVersion = LocalProvider.EndpointVersion,
        }));
        var process = Start(DotnetHost.Executable, [EndpointUnderTest.EndpointDll, "--config", configFile]);
        await Eventually.HoldsAsync($"endpoint {replica} listens", () =>
        {
            if (process.HasExited) Assert.Fail($"endpoint {replica} exited with {process.ExitCode}: {process.Stderr}");
            return process.Stdout.Contains("listening on", StringComparison.Ordinal);
        }, StartDeadline);
        return process;
    }

    /// <summary>
    /// An etcd v3 gRPC client set up like the module's (<see cref="EtcdGateway"/>), but with the given
    /// server certificate check and client certificate (or none).
    /// </summary>
    public static EtcdClient RawEtcdClient(string url, RemoteCertificateValidationCallback serverCheck, X509Certificate2? clientCertificate)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = TimeSpan.FromSeconds(10),
            SslOptions = new SslClientAuthenticationOptions
            {
                ClientCertificates = clientCertificate is null ? null : new X509CertificateCollection { clientCertificate },
                RemoteCertificateValidationCallback = serverCheck,
            },
        };
        return new EtcdClient(url, configureChannelOptions: options =>
        {
            options.Credentials = ChannelCredentials.SecureSsl;
            options.HttpHandler = handler;
        });
    }

    /// <summary>Every exception in a failure: inner ones, and the transport failure gRPC keeps aside.</summary>
    public static IEnumerable<Exception> Causes(Exception? exception)
    {
        for (; exception is not null; exception = exception.InnerException)
        {
            yield return exception;
            if (exception is Grpc.Core.RpcException { Status.DebugException: { } debug })
                foreach (var cause in Causes(debug)) yield return cause;
        }
    }

    public void Dispose()
    {
        lock (processes)
        {
            foreach (var process in processes) process.Dispose();
            processes.Clear();
        }
        try
        {
            Directory.Delete(WorkDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>
/// A real etcd member run with exactly the flags the product gives it (<see cref="EtcdCommandLine"/>),
/// found where the Local provider finds it.
/// </summary>
internal sealed class ProductEtcd
{
    private readonly SecurityBed bed;
    private ChildProcess? process;

    public ProductEtcd(SecurityBed bed, string name, IPAddress address)
    {
        this.bed = bed;
        Address = address;
        Replica = new ReplicaRecord { Name = name, Zone = LocalProvider.LocalZones[0], InternalAddress = address.ToString() };
        DataDirectory = Path.Combine(bed.WorkDirectory, name + "-etcd-data");
    }

    public ReplicaRecord Replica { get; }
    public string Name => Replica.Name;
    public IPAddress Address { get; }
    public string ClientUrl => Replica.ClientUrl;
    public string PeerUrl => Replica.PeerUrl;
    public string DataDirectory { get; }
    public bool HasExited => process?.HasExited == true;
    /// <summary>etcd's zap log (stderr).</summary>
    public string Log => process?.Stderr ?? "";

    /// <summary>A bootstrap that founds a new cluster of this member alone.</summary>
    public EtcdBootstrap Founding => new([new(Name, PeerUrl)], NewCluster: true);

    /// <summary>Starts etcd with the product's flags and the given certificate, key and trusted CA.</summary>
    public void Start(EtcdBootstrap bootstrap, string certificate, string key, string trustedCa)
    {
        var arguments = EtcdCommandLine.Arguments(bed.Cluster, Replica, bootstrap,
            new EtcdCommandLine.Paths(DataDirectory, certificate, key, trustedCa));
        process = bed.Start(LocalComponents.Find().Etcd, arguments);
    }

    /// <summary>Starts etcd with its genuine certificate issued by the cluster's etcd CA.</summary>
    public ReplicaCertificateFiles StartGenuine(EtcdBootstrap bootstrap)
    {
        var files = bed.Pki.IssueReplica(Name, Address, bed.ClusterAddress, bed.Now);
        Start(bootstrap, files.EtcdCertificate, files.EtcdKey, files.EtcdCa);
        return files;
    }

    /// <summary>Waits until the member answers a status request through <paramref name="client"/>.</summary>
    public Task WaitAnswersAsync(IEtcdGateway client) =>
        Eventually.HoldsAsync($"etcd {Name} answers", async () =>
        {
            if (HasExited) Assert.Fail($"etcd {Name} exited: {Tail(Log)}");
            try
            {
                await client.StatusAsync(ClientUrl, CancellationToken.None);
                return (true, "answered");
            }
            catch (EtcdRequestException e)
            {
                return (false, $"{e.Reason}. Log: {Tail(Log)}");
            }
        }, SecurityBed.StartDeadline);

    public void Kill() => process?.Kill();

    public static string Tail(string text) => text.Length <= 3000 ? text : text[^3000..];
}
