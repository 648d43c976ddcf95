using HaMaster.Local.LoadBalancer;
using HaMaster.TestSupport;

namespace HaMaster.Engine.Tests.LoadBalancer;

/// <summary>One test's world: its own loopback /24, cluster CA, HTTPS backends, and load balancer directory.
/// Disposing it stops HAProxy and every backend, and kills anything left over.</summary>
internal sealed class LoadBalancerTestBed : IAsyncDisposable
{
    public const int Port = 6443;
    public static readonly TimeSpan StateDeadline = TimeSpan.FromSeconds(10);

    private readonly List<TestHttpsBackend> backends = [];

    public LoadBalancerTestBed()
    {
        // Short on purpose: the stats socket lives here and unix socket paths are limited.
        Directory = Path.Combine(Path.GetTempPath(), "hm-lb-" + Guid.NewGuid().ToString("N")[..10]);
        System.IO.Directory.CreateDirectory(Directory);
        Ca = new TestCertificateAuthority("hamaster-test-cluster", Directory);
    }

    public TestCertificateAuthority Ca { get; }
    public LoopbackBlock Network { get; } = LoopbackAddresses.LoadBalancer.NextBlock();
    public HaproxyLoadBalancer LoadBalancer { get; } = new(TestHaproxy.Executable);
    public string Directory { get; }
    public string CaFile => Ca.CaFile;
    public string Frontend => Network.Address(1).ToString();
    public string ConfigPath => Path.Combine(Directory, "haproxy.cfg");

    /// <summary>Starts a backend on host <paramref name="host"/> of the test's /24 whose certificate names it
    /// (or <paramref name="certificateName"/>) and is issued by the cluster CA (or <paramref name="issuer"/>).</summary>
    public TestHttpsBackend StartBackend(string name, int host, TestCertificateAuthority? issuer = null, string? certificateName = null)
    {
        var address = Network.Address(host);
        var certificate = (issuer ?? Ca).Issue(certificateName ?? name, address, Network.Address(1));
        var backend = new TestHttpsBackend(name, address.ToString(), Port, certificate);
        backends.Add(backend);
        return backend;
    }

    public LoadBalancerSpec Spec(params TestHttpsBackend[] members) => SpecFor(Frontend, members);

    public LoadBalancerSpec SpecFor(string frontend, params TestHttpsBackend[] members) =>
        new(frontend, Port, members.Select(b => new BackendReplica(b.Name, b.Address)).ToList(), CaFile, Directory);

    public Task<string> AskAsync() => TestClient.AskWhoAnswersAsync(Frontend, Port, Ca.Certificate, CancellationToken.None);

    /// <summary>The names of the backends that answered <paramref name="requests"/> consecutive requests.</summary>
    public async Task<IReadOnlySet<string>> AskRepeatedlyAsync(int requests)
    {
        var answered = new HashSet<string>();
        for (var i = 0; i < requests; i++)
            answered.Add(await AskAsync());
        return answered;
    }

    public Task WaitForStatesAsync(params (string Name, BackendState State)[] expected) =>
        Eventually.HoldsAsync(string.Join(", ", expected.Select(e => $"{e.Name} {e.State}")), async () =>
        {
            var statuses = await LoadBalancer.GetBackendsAsync(Directory, CancellationToken.None);
            var holds = expected.All(e => statuses.Any(s => s.Name == e.Name && s.State == e.State));
            return (holds, string.Join(", ", statuses));
        }, StateDeadline);

    public IReadOnlyList<int> HaproxyProcesses() => TestProcesses.WithCommandLineContaining(ConfigPath);

    public async ValueTask DisposeAsync()
    {
        try
        {
            await LoadBalancer.StopAsync(Directory, CancellationToken.None);
        }
        finally
        {
            // Whatever a failed test left behind (a master that never wrote its pid file, orphaned workers).
            await Eventually.HoldsAsync("no HAProxy process of this test left", () =>
            {
                var leftovers = HaproxyProcesses();
                TestProcesses.Kill(leftovers);
                return (leftovers.Count == 0, $"processes {string.Join(", ", leftovers)}");
            }, StateDeadline);
            foreach (var backend in backends)
                await backend.DisposeAsync();
            Ca.Dispose();
            try { System.IO.Directory.Delete(Directory, recursive: true); }
            catch (IOException) { }
        }
    }
}
