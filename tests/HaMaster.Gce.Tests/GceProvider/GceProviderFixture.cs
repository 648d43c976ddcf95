using System.Text.Json.Nodes;
using HaMaster.Engine;
using HaMaster.Engine.Model;
using HaMaster.Engine.Pki;
using HaMaster.Engine.Providers;
using HaMaster.Engine.State;
using HaMaster.Gce.Compute;
using HaMaster.Testing.Compute;
using Xunit;

namespace HaMaster.Gce.Tests.GceProviderTests;

/// <summary>A Gce provider on the Compute stand-in, a temporary state folder, and helpers to build a cluster's state.</summary>
public abstract class GceProviderTestBase : IAsyncLifetime
{
    protected const string Project = "hamaster-test";
    protected const string Region = "us-central1";
    protected const string ZoneA = "us-central1-a";
    protected const string ZoneB = "us-central1-b";
    protected const string Cluster = "demo";

    protected readonly ComputeStandIn StandIn = new();
    protected ComputeService Compute = null!;
    protected GceProvider Provider = null!;
    protected string StateRoot = null!;
    protected StateDirectory Directory = null!;

    public async Task InitializeAsync()
    {
        await StandIn.StartAsync();
        Compute = new ComputeService(new ComputeServiceOptions
        {
            Endpoint = StandIn.BaseUri.ToString(),
            OperationPollInterval = TimeSpan.FromMilliseconds(20),
            Retry = new ComputeRetryPolicy { InitialDelay = TimeSpan.FromMilliseconds(10), MaxDelay = TimeSpan.FromMilliseconds(100) },
        });
        StateRoot = Path.Combine(Path.GetTempPath(), "hamaster-gceprov-" + Guid.NewGuid().ToString("N"));
        Directory = new StateDirectory(StateRoot);
        System.IO.Directory.CreateDirectory(Directory.ClusterDirectory(Cluster));
        Provider = new GceProvider(Directory, Compute, new GceProviderOptions
        {
            Project = Project,
            Access = GceAccess.Internal,
            StatusPollInterval = TimeSpan.FromMilliseconds(20),
            InstanceTimeout = TimeSpan.FromSeconds(20),
        });
    }

    public async Task DisposeAsync()
    {
        Provider.Dispose();
        Compute.Dispose();
        await StandIn.DisposeAsync();
        if (System.IO.Directory.Exists(StateRoot)) System.IO.Directory.Delete(StateRoot, recursive: true);
    }

    protected static NewClusterRequest Request => new(Cluster, ProviderKind.Gce, ZoneA, Project);

    /// <summary>Reserves the address and returns the cluster's state with no replica yet.</summary>
    protected async Task<ClusterState> NewClusterAsync()
    {
        var data = new Dictionary<string, string>();
        var address = await Provider.ReserveClusterAddressAsync(Request, data, CancellationToken.None);
        return new ClusterState
        {
            Name = Cluster,
            Provider = ProviderKind.Gce,
            Project = Project,
            Zone = ZoneA,
            Address = address,
            EtcdClusterToken = "demo-token",
            CreatedAt = DateTimeOffset.UtcNow,
            ProviderData = data,
        };
    }

    /// <summary>Adds a replica record (as the flows do) and starts it; the first founds etcd, later ones join.</summary>
    protected async Task<ReplicaRecord> AddReplicaAsync(ClusterState state, string name, string zone, ReplicaPhase phase = ReplicaPhase.Active)
    {
        var replica = new ReplicaRecord { Name = name, Zone = zone, InternalAddress = Provider.AllocateReplicaAddress(state), Phase = ReplicaPhase.Joining };
        state.Replicas.Add(replica);
        var observed = await Provider.StartReplicaAsync(state, replica, Bootstrap(state), Certificates(replica.Name), CancellationToken.None);
        if (observed is not null) replica.Apply(observed);
        replica.Phase = phase;
        return replica;
    }

    protected static EtcdBootstrap Bootstrap(ClusterState state) =>
        new(state.Replicas.Select(r => KeyValuePair.Create(r.Name, r.PeerUrl)).ToList(), NewCluster: state.Replicas.Count == 1);

    /// <summary>Placeholder PEM files: the provider only copies their text into metadata.</summary>
    protected ReplicaCertificateFiles Certificates(string replica)
    {
        var folder = Path.Combine(StateRoot, "pem", replica);
        System.IO.Directory.CreateDirectory(folder);
        string File(string name)
        {
            var path = Path.Combine(folder, name);
            System.IO.File.WriteAllText(path, $"-----BEGIN TEST-----\n{replica}/{name}\n-----END TEST-----\n");
            return path;
        }
        return new ReplicaCertificateFiles(File("ca.crt"), File("etcd-ca.crt"), File("api.crt"), File("api.key"), File("etcd.crt"), File("etcd.key"));
    }

    protected JsonObject? Resource(string path) => StandIn.GetResource($"projects/{Project}/{path}");

    protected JsonObject? Instance(ReplicaRecord replica) => Resource($"zones/{replica.Zone}/instances/{replica.Name}");

    protected static string? NatIP(JsonObject? instance) => (string?)instance?["networkInterfaces"]?[0]?["accessConfigs"]?[0]?["natIP"];

    /// <summary>Removes the whole cluster in the engine's order: address first, then every replica.</summary>
    protected async Task TearDownAsync(ClusterState state)
    {
        await Provider.ReleaseClusterAddressAsync(state, CancellationToken.None);
        foreach (var replica in state.Replicas) await Provider.DeleteReplicaAsync(state, replica, CancellationToken.None);
    }
}
