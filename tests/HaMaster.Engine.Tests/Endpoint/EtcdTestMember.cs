using System.Net;
using HaMaster.TestSupport;
using Xunit;

namespace HaMaster.Engine.Tests.Endpoint;

/// <summary>A real single-member etcd with mutual TLS on its own loopback address.</summary>
public sealed class EtcdTestMember : IDisposable
{
    private readonly string dataDirectory;
    private readonly string workDirectory;
    private ChildProcess? process;

    public EtcdTestMember(TestCertificateAuthority pki, string workDirectory)
    {
        this.workDirectory = workDirectory;
        Address = LoopbackAddresses.Endpoint.Next();
        Name = $"etcd-{Address.ToString().Replace('.', '-')}";
        dataDirectory = Path.Combine(workDirectory, $"{Name}.data");
        Pki = pki;
        Certificate = pki.IssuePem(Name, Address);
        Client = TlsTestClient.Trusting(pki.CaFile, Certificate);
    }

    public string Name { get; }
    public IPAddress Address { get; }
    public TestCertificateAuthority Pki { get; }
    public PemPair Certificate { get; }
    public TlsTestClient Client { get; }
    public string ClientUrl => $"https://{Address}:2379";
    public string PeerUrl => $"https://{Address}:2380";
    public ChildProcess Process => process ?? throw new InvalidOperationException("etcd has not been started");

    /// <summary>Starts (or restarts) the member; <paramref name="cluster"/> lists every member, default just this one.</summary>
    public async Task StartAsync(IReadOnlyList<EtcdTestMember>? cluster = null)
    {
        process?.Dispose();
        string initialCluster = string.Join(",", (cluster ?? [this]).Select(member => $"{member.Name}={member.PeerUrl}"));
        process = ChildProcess.Start("etcd",
        [
            "--name", Name,
            "--data-dir", dataDirectory,
            "--listen-client-urls", ClientUrl, "--advertise-client-urls", ClientUrl,
            "--listen-peer-urls", PeerUrl, "--initial-advertise-peer-urls", PeerUrl,
            "--initial-cluster", initialCluster,
            "--cert-file", Certificate.CertFile, "--key-file", Certificate.KeyFile,
            "--trusted-ca-file", Pki.CaFile, "--client-cert-auth",
            "--peer-cert-file", Certificate.CertFile, "--peer-key-file", Certificate.KeyFile,
            "--peer-trusted-ca-file", Pki.CaFile, "--peer-client-cert-auth",
            "--heartbeat-interval", "50", "--election-timeout", "500",
            "--logger=zap",
        ], workDirectory);
        await Eventually.HoldsAsync($"etcd at {ClientUrl} is healthy (stderr: {Tail(process.Stderr)})", async () =>
        {
            if (process.HasExited)
                Assert.Fail($"etcd exited with {process.ExitCode}: {Tail(process.Stderr)}");
            TlsTestClient.Reply reply = await Client.GetAsync($"{ClientUrl}/health");
            return reply.Status == HttpStatusCode.OK && reply.Body.Contains("\"true\"");
        }, TimeSpan.FromSeconds(30));
    }

    public void Kill() => process?.Kill();

    /// <summary>A range read straight against this member, bypassing the endpoint.</summary>
    public Task<TlsTestClient.Reply> RangeAsync(bool serializable)
    {
        string key = Convert.ToBase64String("/hamaster/test"u8);
        string body = serializable ? $"{{\"key\":\"{key}\",\"serializable\":true}}" : $"{{\"key\":\"{key}\"}}";
        return Client.SendAsync(HttpMethod.Post, $"{ClientUrl}/v3/kv/range", new StringContent(body));
    }

    /// <summary>How many Range calls the etcd server has handled, from its Prometheus metrics.</summary>
    public async Task<long> RangeRequestsHandledAsync()
    {
        TlsTestClient.Reply metrics = await Client.GetAsync($"{ClientUrl}/metrics");
        long total = 0;
        foreach (string line in metrics.Body.Split('\n'))
        {
            if (line.StartsWith("grpc_server_handled_total{", StringComparison.Ordinal) && line.Contains("grpc_method=\"Range\""))
                total += long.Parse(line[(line.LastIndexOf(' ') + 1)..]);
        }
        return total;
    }

    private static string Tail(string text) => text.Length <= 2000 ? text : text[^2000..];

    public void Dispose() => process?.Dispose();
}
