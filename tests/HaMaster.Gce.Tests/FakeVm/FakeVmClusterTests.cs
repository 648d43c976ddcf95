using System.Net;
using HaMaster.Engine.Certificates;
using HaMaster.Engine.Etcd;
using HaMaster.Engine.Pki;
using HaMaster.Gce.Bootstrap;
using HaMaster.Gce.Compute;
using HaMaster.Local.Processes;
using HaMaster.Testing.Compute;
using Xunit;

namespace HaMaster.Gce.Tests.FakeVm;

using HaMaster.Testing.Compute.FakeVm;

/// <summary>
/// Three replica instances created straight through the typed client, with the metadata the provider
/// writes (<see cref="ReplicaMetadata.Items"/>, certificates from the engine's <see cref="ClusterPki"/>),
/// made real by <see cref="FakeVmHost"/>: a real three-member etcd cluster, endpoints that turn ready,
/// health through the target pool's getHealth, and the instance lifecycle (stop, start, delete).
/// </summary>
public sealed class FakeVmClusterTests : IAsyncLifetime
{
    private const string Project = "fakevm-test";
    private const string Region = "us-central1";
    private const string Cluster = "demo";
    private const string Token = "demo-5d2c0a9e7b3f41c6";
    private static readonly string[] Names = ["demo-master", "demo-master-1a2", "demo-master-3bc"];
    private static readonly string[] Zones = ["us-central1-a", "us-central1-b", "us-central1-c"];

    /// <summary>Upper bound for anything waited on; generous for a shared 2-core machine.</summary>
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private readonly ComputeStandIn _standIn = new() { OperationLatency = TimeSpan.FromMilliseconds(20) };
    private readonly string _pkiFolder = Path.Combine(Path.GetTempPath(), $"hamaster-fakevm-pki-{Guid.NewGuid():N}");
    private FakeVmHost _host = null!;
    private ComputeService _compute = null!;

    public async Task InitializeAsync()
    {
        await _standIn.StartAsync();
        _compute = new ComputeService(new ComputeServiceOptions { Endpoint = _standIn.BaseUri.ToString(), OperationPollInterval = TimeSpan.FromMilliseconds(20) });
        _host = new FakeVmHost(_standIn);
        _host.Start();
    }

    [Fact]
    public async Task Three_instances_become_a_real_etcd_cluster_and_follow_stop_start_and_delete()
    {
        // The cluster's static address, from the harness's loopback block like every address here.
        await _compute.WaitAsync(await _compute.Addresses.Insert(Project, Region, new Address { Name = $"{Cluster}-master-ip" }).ExecuteAsync());
        var clusterAddress = (await _compute.Addresses.Get(Project, Region, $"{Cluster}-master-ip").ExecuteAsync()).IPAddress!;

        var now = DateTimeOffset.UtcNow;
        var pki = new ClusterPki(_pkiFolder);
        pki.CreateAuthorities(Cluster, now);
        var serviceAccountKey = ReplicaMetadata.NewServiceAccountKeyPem();
        var addresses = Names.Select(_ => _host.AllocateInternalAddress()).ToArray();
        var initialCluster = Names.Select((name, i) => KeyValuePair.Create(name, GceEtcdMember.PeerUrl(addresses[i]))).ToList();

        await Task.WhenAll(Names.Select(async (name, i) =>
        {
            var spec = new ReplicaBootstrapSpec
            {
                ClusterName = Cluster,
                ReplicaName = name,
                InternalAddress = addresses[i],
                ClusterAddress = clusterAddress,
                EtcdInitialCluster = initialCluster,
                EtcdNewCluster = true,
                EtcdClusterToken = Token,
            };
            var files = pki.IssueReplica(name, IPAddress.Parse(addresses[i]), IPAddress.Parse(clusterAddress), now);
            await InsertAsync(name, Zones[i], addresses[i], ReplicaMetadata.Items(spec, files, serviceAccountKey));
        }));

        await _host.WaitUntilAsync(() => Names.All(n => _host.Vm(n)?.State == FakeVmState.Running), Deadline, "three VMs booted");
        var vms = Names.Select(n => _host.Vm(n)!).ToArray();
        Assert.Equal(addresses, vms.Select(v => v.InternalAddress));
        Assert.All(vms, vm => Assert.Equal($"https://{vm.InternalAddress}:2379", vm.EtcdClientUrl));
        Assert.All(vms, vm => Assert.Equal(KubeApiServerCommandLine.SecurePort, vm.ApiPort));

        using var etcd = new EtcdGateway(pki.LoadEtcdCredentials());
        await _host.WaitUntilAsync(async () =>
        {
            var members = await etcd.ListMembersAsync(vms[0].EtcdClientUrl, CancellationToken.None);
            return members.Count == 3 && members.All(m => m.IsStarted && !m.IsLearner);
        }, Deadline, "etcd lists three started voting members");
        var listed = await etcd.ListMembersAsync(vms[2].EtcdClientUrl, CancellationToken.None);
        Assert.Equal(Names.Order(), listed.Select(m => m.Name).Order());

        await etcd.PutAsync(vms[0].EtcdClientUrl, "/fakevm/written-on-first", "hello", CancellationToken.None);
        await _host.WaitUntilAsync(async () => await etcd.GetAsync(vms[2].EtcdClientUrl, "/fakevm/written-on-first", CancellationToken.None) == "hello",
            Deadline, "the value put on the first member is read on the third");

        // Through Compute's one-to-one NAT a VM answers on its external address too; when the address
        // changes under a running VM (the frontend moving the cluster address), the endpoint follows.
        var first = vms[0];
        Assert.True(_host.EphemeralAddressPool.Contains(first.ExternalAddress!), first.ExternalAddress);
        await _host.WaitUntilAsync(() => ReadyAsync(pki, first.ExternalAddress!, checkName: false), Deadline, "the first VM answers on its ephemeral external address");
        var ephemeral = first.ExternalAddress!;
        await _compute.WaitAsync(await _compute.Instances.DeleteAccessConfig(Project, first.Zone, first.Name, "external-nat").ExecuteAsync());
        await _compute.WaitAsync(await _compute.Instances.AddAccessConfig(Project, first.Zone, first.Name,
            new AccessConfig { Name = "external-nat", Type = AccessConfig.OneToOneNat, NatIP = clusterAddress }).ExecuteAsync());
        await _host.WaitUntilAsync(() => ReadyAsync(pki, clusterAddress, checkName: true), Deadline, "the first VM answers on the cluster address");
        await _host.WaitUntilAsync(async () => !await ReadyAsync(pki, ephemeral, checkName: false), Deadline, "the released ephemeral address no longer answers");

        // The load balancer the Gce frontend builds: a legacy HTTP health check on a target pool,
        // reported per forwarding rule.
        await CreatePoolAsync();
        await _host.WaitUntilAsync(() => vms.All(v => v.Health == "HEALTHY"), Deadline, "every endpoint ready");
        foreach (var vm in vms) Assert.Equal(HealthStatus.Healthy, await PoolHealthAsync(vm));

        // Stop the third: its processes end, the disk stays, the health checker calls it unhealthy;
        // getHealth refuses a member that is not RUNNING, as Compute does.
        var third = vms[2];
        var thirdData = third.EtcdDataDirectory;
        await _compute.WaitAsync(await _compute.Instances.Stop(Project, third.Zone, third.Name).ExecuteAsync());
        await _host.WaitUntilAsync(() => third.State == FakeVmState.Stopped, Deadline, "the stopped VM's processes end");
        Assert.Empty(DetachedProcess.FindByMarker(third.EtcdMarker));
        Assert.Empty(DetachedProcess.FindByMarker(third.EndpointMarker));
        Assert.True(Directory.Exists(thirdData));
        Assert.Equal("UNHEALTHY", third.Health);
        var notReady = await Assert.ThrowsAsync<ComputeApiException>(() => PoolHealthAsync(third));
        Assert.Equal(HttpStatusCode.BadRequest, notReady.StatusCode);
        await _host.WaitUntilAsync(async () => await PoolHealthAsync(vms[0]) == HealthStatus.Healthy && await PoolHealthAsync(vms[1]) == HealthStatus.Healthy,
            Deadline, "two of three members keep quorum and stay healthy");

        // Stop the second as well: the first alone has no quorum, so its /readyz (a linearizable read)
        // fails and getHealth reports it UNHEALTHY while the instance is RUNNING.
        var second = vms[1];
        await _compute.WaitAsync(await _compute.Instances.Stop(Project, second.Zone, second.Name).ExecuteAsync());
        await _host.WaitUntilAsync(async () => await PoolHealthAsync(vms[0]) == HealthStatus.Unhealthy, Deadline, "the member without quorum is unhealthy");
        Assert.True(vms[0].EtcdRunning && vms[0].EndpointRunning);

        // Start the second again: it boots from its disk, quorum is back, the value is still there.
        await _compute.WaitAsync(await _compute.Instances.Start(Project, second.Zone, second.Name).ExecuteAsync());
        await _host.WaitUntilAsync(async () => await PoolHealthAsync(vms[0]) == HealthStatus.Healthy && await PoolHealthAsync(second) == HealthStatus.Healthy,
            Deadline, "quorum back after the second starts again");
        Assert.Equal(2, second.Boots);
        Assert.Equal("hello", await etcd.GetAsync(second.EtcdClientUrl, "/fakevm/written-on-first", CancellationToken.None));

        // Delete the stopped third: its disk goes.
        await _compute.WaitAsync(await _compute.Instances.Delete(Project, third.Zone, third.Name).ExecuteAsync());
        await _host.WaitUntilAsync(() => _host.Vm(third.Name) is null && !Directory.Exists(third.Folder), Deadline, "the deleted VM's folder is wiped");
        Assert.Empty(DetachedProcess.FindByMarker(third.Folder));

        Assert.Empty(_host.Errors);
        var folder = _host.Folder;
        await _host.DisposeAsync();
        Assert.Empty(DetachedProcess.FindByMarker(folder));
        Assert.False(Directory.Exists(folder));
        Assert.False(File.Exists(Path.Combine(FakeVmAddressBlock.ReservationFolder, _host.AddressPrefix)));
    }

    private async Task InsertAsync(string name, string zone, string networkIP, IReadOnlyDictionary<string, string> metadata)
    {
        var instance = new Instance
        {
            Name = name,
            MachineType = $"zones/{zone}/machineTypes/e2-standard-2",
            Disks = [new AttachedDisk { Boot = true, AutoDelete = true, InitializeParams = new AttachedDiskInitializeParams { SourceImage = "projects/debian-cloud/global/images/family/debian-12" } }],
            NetworkInterfaces = [new NetworkInterface { Network = "global/networks/default", NetworkIP = networkIP, AccessConfigs = [new AccessConfig { Name = "external-nat", Type = AccessConfig.OneToOneNat }] }],
            Metadata = new Metadata { Items = metadata.Select(item => new MetadataItem { Key = item.Key, Value = item.Value }).ToList() },
        };
        await _compute.WaitAsync(await _compute.Instances.Insert(Project, zone, instance).ExecuteAsync());
    }

    private async Task CreatePoolAsync()
    {
        var name = $"{Cluster}-master";
        await _compute.WaitAsync(await _compute.HttpHealthChecks.Insert(Project, new HttpHealthCheck
        {
            Name = name,
            Port = ReadinessResponder.Port,
            RequestPath = ReadinessResponder.Path,
        }).ExecuteAsync());
        await _compute.WaitAsync(await _compute.TargetPools.Insert(Project, Region, new TargetPool
        {
            Name = name,
            HealthChecks = [$"projects/{Project}/global/httpHealthChecks/{name}"],
            Instances = Names.Select((n, i) => $"projects/{Project}/zones/{Zones[i]}/instances/{n}").ToList(),
        }).ExecuteAsync());
        await _compute.WaitAsync(await _compute.ForwardingRules.Insert(Project, Region, new ForwardingRule
        {
            Name = name,
            IPProtocol = "TCP",
            PortRange = $"{KubeApiServerCommandLine.SecurePort}",
            Target = $"projects/{Project}/regions/{Region}/targetPools/{name}",
        }).ExecuteAsync());
    }

    /// <summary>/readyz at address:443 trusting the cluster CA; with <paramref name="checkName"/> the certificate must name the address.</summary>
    private static async Task<bool> ReadyAsync(ClusterPki pki, string address, bool checkName)
    {
        using var ca = pki.LoadClusterCa();
        using var handler = new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.Zero,
            SslOptions = { RemoteCertificateValidationCallback = TrustValidation.CallbackTrusting(ca, checkName ? address : null) },
        };
        using var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(3) };
        try
        {
            using var response = await client.GetAsync($"https://{address}:{KubeApiServerCommandLine.SecurePort}/readyz");
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    private async Task<string?> PoolHealthAsync(FakeVm vm)
    {
        var health = await _compute.TargetPools.GetHealth(Project, Region, $"{Cluster}-master", $"projects/{Project}/zones/{vm.Zone}/instances/{vm.Name}").ExecuteAsync();
        return health.HealthStatus?.Single().HealthState;
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        _compute.Dispose();
        await _standIn.DisposeAsync();
        if (Directory.Exists(_pkiFolder)) Directory.Delete(_pkiFolder, recursive: true);
    }
}
