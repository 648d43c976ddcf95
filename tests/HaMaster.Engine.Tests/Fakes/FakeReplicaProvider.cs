using HaMaster.Engine.Etcd;
using HaMaster.Engine.Model;
using HaMaster.Engine.Pki;
using HaMaster.Engine.Providers;
using LoadBalancerBackendView = HaMaster.LoadBalancerBackend;
using LoadBalancerView = HaMaster.LoadBalancer;

namespace HaMaster.Engine.Tests.Fakes;

/// <summary>A provider whose replicas are <see cref="FakeMachine"/>s of a <see cref="FakeWorld"/>; every call is recorded.</summary>
public sealed class FakeReplicaProvider(FakeWorld world) : IReplicaProvider
{
    public const string ClusterAddress = "127.77.0.1";
    public const string MachineTypeKey = "machineType";

    public ProviderKind Kind => ProviderKind.Local;
    public int ApiPort => Ports.Api;
    public string DefaultZone => "fake-a";
    public bool RestartsInSeconds => world.RestartsInSeconds;

    public void CheckPrerequisites()
    {
    }

    public Task<IReadOnlyList<string>> ZonesAsync(string? project, string? clusterZone, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>>(["fake-a", "fake-b"]);

    public Task<string> ReserveClusterAddressAsync(NewClusterRequest request, IDictionary<string, string> providerData, CancellationToken cancellationToken)
    {
        world.Record("reserve-address");
        world.AddressReserved = true;
        return Task.FromResult(ClusterAddress);
    }

    public Task ReleaseClusterAddressAsync(ClusterState cluster, CancellationToken cancellationToken)
    {
        world.Record("release-address");
        world.AddressReserved = false;
        world.Frontend.Clear();
        return Task.CompletedTask;
    }

    public string AllocateReplicaAddress(ClusterState cluster) =>
        Enumerable.Range(2, 250).Select(i => $"127.77.0.{i}").First(a => cluster.Replicas.All(r => r.InternalAddress != a));

    public Task<ReplicaObservation?> StartReplicaAsync(ClusterState cluster, ReplicaRecord replica, EtcdBootstrap bootstrap, ReplicaCertificateFiles certificates, CancellationToken cancellationToken)
    {
        world.Record($"start {replica.Name}");
        if (!world.Machines.TryGetValue(replica.Name, out var machine))
            world.Machines[replica.Name] = machine = new FakeMachine(replica.Name, replica.InternalAddress) { MachineType = cluster.ProviderData.GetValueOrDefault(MachineTypeKey) };
        machine.Running = true;
        var member = world.Members.FirstOrDefault(m => m.PeerUrl == replica.PeerUrl);
        machine.Silent = world.StallNextJoin && member is { IsLearner: true };
        if (machine.Silent) world.StallNextJoin = false;
        if (world.StallNextNewCluster && bootstrap.NewCluster)
        {
            machine.Silent = true;
            world.StallNextNewCluster = false;
        }
        if (member is null && bootstrap.NewCluster) world.Members.Add(member = new FakeMember(world.NewMemberId(), replica.PeerUrl));
        if (member is not null) member.Name = replica.Name;
        return Task.FromResult<ReplicaObservation?>(ReplicaObservation.OfExternalAddress(replica.Name, machine.ExternalAddress));
    }

    public Task StopReplicaAsync(ClusterState cluster, ReplicaRecord replica, bool graceful, CancellationToken cancellationToken)
    {
        world.Record($"stop {replica.Name}");
        if (world.Machines.TryGetValue(replica.Name, out var machine)) machine.Running = false;
        return Task.CompletedTask;
    }

    public Task DeleteReplicaAsync(ClusterState cluster, ReplicaRecord replica, CancellationToken cancellationToken)
    {
        world.Record($"delete {replica.Name}");
        world.Machines.Remove(replica.Name);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<string>> RemoveLeftoversAsync(string cluster, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>>([]);

    /// <summary>The one setting fake replicas have: a machine type, which each machine keeps from its making.</summary>
    public IReadOnlyDictionary<string, string> PlanSettingsChange(ClusterState cluster, ReplicaSettingsChange change, bool force)
    {
        (change with { MachineType = null }).RefuseAll("a fake cluster has a machine type only");
        return change.MachineType is { } type && type != cluster.ProviderData.GetValueOrDefault(MachineTypeKey)
            ? new Dictionary<string, string> { [MachineTypeKey] = type }
            : new Dictionary<string, string>();
    }

    public void CheckCanRestore()
    {
    }

    /// <summary>A restore founds a new one-member cluster on the replica, with a new member id.</summary>
    public Task RestoreEtcdDataAsync(ClusterState cluster, ReplicaRecord replica, string snapshotFile, EtcdBootstrap bootstrap, ReplicaCertificateFiles certificates, CancellationToken cancellationToken)
    {
        world.Record($"restore {replica.Name}");
        world.Members.Clear();
        world.Members.Add(new FakeMember(world.NewMemberId(), replica.PeerUrl) { Name = replica.Name });
        var database = File.ReadAllBytes(snapshotFile)[..^32];
        world.Keys.Clear();
        foreach (var (key, value) in System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, string>>(database.AsSpan().TrimEnd((byte)0))!) world.Keys[key] = value;
        return Task.CompletedTask;
    }

    public Task<ReplicaRuntime> InspectAsync(ClusterState cluster, ReplicaRecord replica, CancellationToken cancellationToken) =>
        Task.FromResult(world.Machines.TryGetValue(replica.Name, out var machine)
            ? machine.Running
                ? new ReplicaRuntime(ReplicaStatus.Running, [])
                : new ReplicaRuntime(ReplicaStatus.Stopped, ["stopped"]) { EtcdDown = true, ApiDown = true }
            : new ReplicaRuntime(ReplicaStatus.Missing, ["no machine"]) { EtcdDown = true, ApiDown = true });

    public Task ReconcileFrontendAsync(ClusterState cluster, string clusterCaFile, CancellationToken cancellationToken)
    {
        world.Record("reconcile-frontend");
        world.Frontend = [.. cluster.ActiveReplicas.Select(r => r.Name)];
        return Task.CompletedTask;
    }

    public Task DrainAsync(ClusterState cluster, ReplicaRecord replica, CancellationToken cancellationToken)
    {
        world.Record($"drain {replica.Name}");
        world.Frontend.Remove(replica.Name);
        return Task.CompletedTask;
    }

    public Task<LoadBalancerView?> InspectLoadBalancerAsync(ClusterState cluster, CancellationToken cancellationToken)
    {
        var active = cluster.ActiveReplicas.ToList();
        if (active.Count < 2) return Task.FromResult<LoadBalancerView?>(null);
        return Task.FromResult<LoadBalancerView?>(new LoadBalancerView
        {
            Cluster = cluster.Name,
            Name = $"{cluster.Name}-lb",
            Address = cluster.Address,
            Status = "Running",
            Backends = active.Select(r => new LoadBalancerBackendView
            {
                Replica = r.Name,
                Address = r.InternalAddress,
                State = world.Frontend.Contains(r.Name) && world.Machines.GetValueOrDefault(r.Name) is { Running: true } && world.HasQuorum ? "Up" : "Down",
            }).ToList(),
        });
    }

    public IEtcdGateway OpenEtcd(ClusterState cluster, EtcdCredentials credentials, Action<ReplicaObservation> observed) => new FakeEtcdGateway(world);
}
