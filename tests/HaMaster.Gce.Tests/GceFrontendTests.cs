using System.Text.Json.Nodes;
using HaMaster.Testing.Compute;
using HaMaster.Gce.Compute;
using Xunit;

namespace HaMaster.Gce.Tests;

/// <summary>
/// The cluster address moving from the first master to a forwarding rule (one replica to two) and
/// back (two to one), against the Compute stand-in: what exists afterwards, that running it again
/// changes nothing, and how many operation waits follow one another.
/// </summary>
public sealed class GceFrontendTests : IAsyncLifetime
{
    private const string Project = "hamaster-test";
    private const string Region = "us-central1";
    private readonly ComputeStandIn _standIn = new();
    private ComputeService _compute = null!;

    public async Task InitializeAsync()
    {
        await _standIn.StartAsync();
        _compute = new ComputeService(new ComputeServiceOptions { Endpoint = _standIn.BaseUri.ToString(), OperationPollInterval = TimeSpan.FromMilliseconds(20) });
    }

    [Fact]
    public async Task The_address_moves_to_a_forwarding_rule_at_two_masters_and_back_at_one()
    {
        var first = new MasterInstance("demo-master", "us-central1-a");
        var second = new MasterInstance("demo-master-a1b", "us-central1-b");
        var frontend = new GceFrontend(_compute, new GceLocation(Project, Region), "demo");
        var address = await ReserveAddressAsync();
        await CreateInstanceAsync(first, natIP: address);
        await CreateInstanceAsync(second, natIP: null);
        Assert.Equal(address, NatIP(first));

        _compute.Stats.Reset();
        await frontend.ServeThroughLoadBalancerAsync([first, second], CancellationToken.None);
        var promotionWaits = _compute.Stats.SequentialWaits;

        var rule = Resource($"regions/{Region}/forwardingRules/demo-master")!;
        Assert.Equal(address, (string?)rule["IPAddress"]);
        Assert.EndsWith("/targetPools/demo-master", (string?)rule["target"]);
        Assert.NotEqual(address, NatIP(first));
        Assert.NotNull(NatIP(first));
        var pool = Resource($"regions/{Region}/targetPools/demo-master")!;
        Assert.Equal(2, pool["instances"]!.AsArray().Count);
        Assert.EndsWith("/httpHealthChecks/demo-master", (string?)pool["healthChecks"]![0]);
        var reserved = Resource($"regions/{Region}/addresses/demo-master-ip")!;
        Assert.Equal("IN_USE", (string?)reserved["status"]);
        Assert.EndsWith("/forwardingRules/demo-master", (string?)reserved["users"]![0]);
        Assert.InRange(promotionWaits, 1, 3);

        var mutations = _standIn.MutationCount;
        await frontend.ServeThroughLoadBalancerAsync([first, second], CancellationToken.None);
        Assert.Equal(mutations, _standIn.MutationCount);

        await frontend.ServeFromMasterAsync(second, CancellationToken.None);

        Assert.Null(Resource($"regions/{Region}/forwardingRules/demo-master"));
        Assert.Null(Resource($"regions/{Region}/targetPools/demo-master"));
        Assert.Null(Resource("global/httpHealthChecks/demo-master"));
        Assert.Equal(address, NatIP(second));
        reserved = Resource($"regions/{Region}/addresses/demo-master-ip")!;
        Assert.EndsWith("/instances/demo-master-a1b", (string?)reserved["users"]![0]);
    }

    private async Task<string> ReserveAddressAsync()
    {
        await _compute.WaitAsync(await _compute.Addresses.Insert(Project, Region, new Address { Name = "demo-master-ip" }).ExecuteAsync());
        return (await _compute.Addresses.Get(Project, Region, "demo-master-ip").ExecuteAsync()).IPAddress!;
    }

    private async Task CreateInstanceAsync(MasterInstance master, string? natIP)
    {
        var instance = new Instance
        {
            Name = master.Name,
            MachineType = $"zones/{master.Zone}/machineTypes/e2-standard-2",
            Disks = [new AttachedDisk { Boot = true, AutoDelete = true, InitializeParams = new AttachedDiskInitializeParams { SourceImage = "projects/debian-cloud/global/images/family/debian-12" } }],
            NetworkInterfaces = [new NetworkInterface { Network = "global/networks/default", AccessConfigs = [new AccessConfig { Name = GceFrontend.AccessConfigName, Type = AccessConfig.OneToOneNat, NatIP = natIP }] }],
        };
        await _compute.WaitAsync(await _compute.Instances.Insert(Project, master.Zone, instance).ExecuteAsync());
    }

    private string? NatIP(MasterInstance master) =>
        (string?)Resource($"zones/{master.Zone}/instances/{master.Name}")?["networkInterfaces"]?[0]?["accessConfigs"]?[0]?["natIP"];

    private JsonObject? Resource(string path) => _standIn.GetResource($"projects/{Project}/{path}");

    public async Task DisposeAsync()
    {
        _compute.Dispose();
        await _standIn.DisposeAsync();
    }
}
