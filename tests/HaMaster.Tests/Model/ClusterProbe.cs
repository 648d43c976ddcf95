using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.RegularExpressions;
using HaMaster.Engine.Certificates;
using HaMaster.Engine.Etcd;
using HaMaster.Engine.Pki;
using HaMaster.Local;
using HaMaster.Local.LoadBalancer;
using HaMaster.Local.Processes;

namespace HaMaster.Tests.Model;

/// <summary>
/// Looks at one Local cluster from outside the module (files, /proc, etcd, HAProxy's stats socket,
/// HTTPS on the cluster address) and reports a <see cref="ClusterObservation"/>.
/// </summary>
public sealed partial class ClusterProbe : IDisposable
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(2);

    private readonly string _folder;
    private readonly string _clusterAddress;
    private readonly string _block;
    private readonly string _stateFile;
    private readonly EtcdCredentials _etcdCredentials;
    private readonly HttpClient _http;
    private readonly HaproxyLoadBalancer _haproxy = new(LocalComponents.Find().Haproxy);
    private X509Certificate2? _lastServerCertificate;

    /// <summary>Opens a probe on a cluster that exists (its state file and certificates are read once).</summary>
    public ClusterProbe(string home, string cluster)
    {
        _folder = Path.Combine(home, "clusters", cluster);
        _stateFile = Path.Combine(_folder, "cluster.json");
        var state = JsonDocument.Parse(File.ReadAllText(_stateFile)).RootElement;
        _clusterAddress = state.GetProperty("address").GetString()!;
        _block = state.GetProperty("providerData").GetProperty(LocalProvider.BlockKey).GetString()!;
        var pki = new ClusterPki(Path.Combine(_folder, "pki"));
        _etcdCredentials = pki.LoadEtcdCredentials();
        var clusterCa = pki.LoadClusterCa();
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = RequestTimeout,
            // A new connection each time, so that every look goes through HAProxy's choice again.
            PooledConnectionLifetime = TimeSpan.Zero,
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                {
                    if (certificate is null) return false;
                    _lastServerCertificate = new X509Certificate2(certificate);
                    return TrustValidation.IsTrustedBy(_lastServerCertificate, clusterCa, out _);
                },
            },
        };
        _http = new HttpClient(handler) { Timeout = RequestTimeout };
    }

    /// <summary>
    /// Writes <paramref name="key"/> through the first replica whose member takes it, and returns that
    /// member's revision read right after the write was acknowledged (at least the key's own), or null
    /// when no member took it.
    /// </summary>
    public long? Write(string key, string value) => Task.Run(async () =>
    {
        using var etcd = new EtcdGateway(_etcdCredentials) { RequestTimeout = RequestTimeout };
        foreach (var clientUrl in ClientUrls())
        {
            try
            {
                await etcd.PutAsync(clientUrl, key, value, CancellationToken.None);
                return (long?)(await etcd.StatusAsync(clientUrl, CancellationToken.None)).Revision;
            }
            catch (EtcdRequestException)
            {
            }
        }
        return null;
    }).GetAwaiter().GetResult();

    /// <summary>The value of <paramref name="key"/> by a linearizable read through the first member that answers, or null.</summary>
    public string? Read(string key) => Task.Run(async () =>
    {
        using var etcd = new EtcdGateway(_etcdCredentials) { RequestTimeout = RequestTimeout };
        foreach (var clientUrl in ClientUrls())
        {
            try
            {
                return await etcd.GetAsync(clientUrl, key, CancellationToken.None);
            }
            catch (EtcdRequestException)
            {
            }
        }
        return null;
    }).GetAwaiter().GetResult();

    private IEnumerable<string> ClientUrls() =>
        ReadOrNull(_stateFile) is { } stateText ? ReplicasOf(stateText).Select(r => $"https://{r.Address}:2379") : [];

    /// <summary>Observes synchronously (the sequences run on threads of their own).</summary>
    public ClusterObservation Observe() => ObserveAsync().GetAwaiter().GetResult();

    public async Task<ClusterObservation> ObserveAsync()
    {
        var stateText = ReadOrNull(_stateFile);
        var replicas = stateText is null ? [] : ReplicasOf(stateText);
        var processes = Processes();
        var members = new Dictionary<string, IReadOnlyList<ObservedMember>>();
        var quorumRead = false;
        // A gateway per look: a channel kept to an address whose member was down for minutes backs off
        // its reconnects (up to two minutes), and a replica added later on that address went unseen.
        using var etcd = new EtcdGateway(_etcdCredentials) { RequestTimeout = RequestTimeout };
        foreach (var replica in replicas.Where(r => processes.Any(p => p.Owner == ObservedProcess.Etcd(r.Name))))
        {
            var clientUrl = $"https://{replica.Address}:2379";
            try
            {
                members[replica.Name] = (await etcd.ListMembersAsync(clientUrl, CancellationToken.None))
                    .Select(m => new ObservedMember(m.Id, m.Name, m.PeerUrls.FirstOrDefault() ?? "", m.IsLearner)).ToList();
                if (!quorumRead)
                {
                    await etcd.QuorumReadAsync(clientUrl, CancellationToken.None);
                    quorumRead = true;
                }
            }
            catch (EtcdRequestException)
            {
            }
        }

        var loadBalancerFolder = Path.Combine(_folder, "lb");
        var loadBalancerRunning = Directory.Exists(loadBalancerFolder) && _haproxy.IsRunning(loadBalancerFolder);
        return new ClusterObservation
        {
            StateFile = _stateFile,
            ClusterAddress = _clusterAddress,
            StateText = stateText,
            Replicas = replicas,
            HasPendingChange = stateText is not null && JsonDocument.Parse(stateText).RootElement.TryGetProperty("pending", out var pending) && pending.ValueKind == JsonValueKind.Object,
            Processes = processes,
            Files = Files(),
            ReservationOwner = ReadOrNull(Path.Combine(LoopbackBlocks.ReservationFolder, _block)),
            Listeners = ListeningSockets.Under(_block + "."),
            MembersSeenBy = members,
            QuorumReadSucceeded = quorumRead,
            LoadBalancerRunning = loadBalancerRunning,
            Backends = loadBalancerRunning ? await BackendsAsync(loadBalancerFolder) : null,
            LoadBalancerConfig = ReadOrNull(Path.Combine(loadBalancerFolder, "haproxy.cfg")),
            AddressAnswer = await AskClusterAddressAsync(replicas),
        };
    }

    private static IReadOnlyList<ObservedReplica> ReplicasOf(string stateText) =>
        JsonDocument.Parse(stateText).RootElement.GetProperty("replicas").EnumerateArray()
            .Select(r => new ObservedReplica(
                r.GetProperty("name").GetString()!,
                r.GetProperty("zone").GetString()!,
                r.GetProperty("internalAddress").GetString()!,
                r.TryGetProperty("phase", out var phase) ? phase.ToString() : "Active"))
            .ToList();

    private IReadOnlyList<ObservedProcess> Processes()
    {
        var processes = new List<ObservedProcess>();
        foreach (var pid in DetachedProcess.FindByMarker(_folder + "/"))
        {
            var commandLine = ReadOrNull($"/proc/{pid}/cmdline")?.Replace('\0', ' ');
            if (string.IsNullOrEmpty(commandLine)) continue; // exited, or inside exec, since the scan
            processes.Add(new ObservedProcess(pid, OwnerOf(commandLine)));
        }
        return processes;
    }

    private string OwnerOf(string commandLine)
    {
        if (commandLine.Contains(Path.Combine(_folder, "lb") + "/", StringComparison.Ordinal)) return ObservedProcess.LoadBalancer;
        var match = ReplicaFile().Match(commandLine);
        if (!match.Success) return $"unknown: {commandLine}";
        return match.Groups["file"].Value == "etcd-data" ? ObservedProcess.Etcd(match.Groups["replica"].Value) : ObservedProcess.Endpoint(match.Groups["replica"].Value);
    }

    [GeneratedRegex("/replicas/(?<replica>[^/ ]+)/(?<file>etcd-data|endpoint\\.json)")]
    private static partial Regex ReplicaFile();

    private IReadOnlySet<string> Files()
    {
        var files = new SortedSet<string>(StringComparer.Ordinal);
        Add(_folder, "");
        Add(Path.Combine(_folder, "replicas"), "replicas/");
        Add(Path.Combine(_folder, "pki", "replicas"), "pki/replicas/");
        Add(Path.Combine(_folder, "backups"), "backups/");
        foreach (var replica in Directory.Exists(Path.Combine(_folder, "replicas")) ? Directory.GetDirectories(Path.Combine(_folder, "replicas")) : [])
            if (Directory.Exists(Path.Combine(replica, "etcd-data"))) files.Add($"replicas/{Path.GetFileName(replica)}/etcd-data");
        return files;

        void Add(string folder, string prefix)
        {
            if (!Directory.Exists(folder)) return;
            foreach (var entry in Directory.EnumerateFileSystemEntries(folder)) files.Add(prefix + Path.GetFileName(entry));
        }
    }

    private async Task<IReadOnlyList<ObservedBackend>?> BackendsAsync(string loadBalancerFolder)
    {
        try
        {
            return (await _haproxy.GetBackendsAsync(loadBalancerFolder, CancellationToken.None)).Select(b => new ObservedBackend(b.Name, b.State.ToString())).ToList();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    private async Task<ClusterAddressAnswer> AskClusterAddressAsync(IReadOnlyList<ObservedReplica> replicas)
    {
        _lastServerCertificate = null;
        try
        {
            using var response = await _http.GetAsync($"https://{_clusterAddress}:6443/readyz");
            return new ClusterAddressAnswer((int)response.StatusCode, ReplicaHolding(_lastServerCertificate, replicas), null);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return new ClusterAddressAnswer(null, null, e.InnerException?.Message ?? e.Message);
        }
    }

    /// <summary>The replica whose API certificate is <paramref name="certificate"/>.</summary>
    private string? ReplicaHolding(X509Certificate2? certificate, IReadOnlyList<ObservedReplica> replicas) =>
        certificate is null ? null : replicas.FirstOrDefault(r =>
            File.Exists(ApiCertificate(r.Name)) && PemFile.LoadCertificate(ApiCertificate(r.Name)).Thumbprint == certificate.Thumbprint)?.Name;

    private string ApiCertificate(string replica) => Path.Combine(_folder, "pki", "replicas", replica, "apiserver.crt");

    private static string? ReadOrNull(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    public void Dispose()
    {
        _http.Dispose();
    }
}
