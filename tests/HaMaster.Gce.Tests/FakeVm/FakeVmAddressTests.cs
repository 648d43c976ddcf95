using HaMaster.Gce.Compute;
using HaMaster.Local.Processes;
using HaMaster.Testing.Compute;
using Xunit;

namespace HaMaster.Gce.Tests.FakeVm;

using HaMaster.Testing.Compute.FakeVm;

/// <summary>
/// The harness's loopback block: the stand-in hands out internal and external addresses from it, a
/// networkIP given in the insert is kept, and an instance whose metadata has no startup script boots
/// nothing (as a real VM would run nothing). Nothing is left after disposal.
/// </summary>
public sealed class FakeVmAddressTests : IAsyncLifetime
{
    private const string Project = "fakevm-test";
    private const string Region = "us-central1";
    private const string Zone = "us-central1-a";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    private readonly ComputeStandIn _standIn = new() { OperationLatency = TimeSpan.FromMilliseconds(20) };
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
    public async Task Addresses_come_from_the_harness_block_and_a_given_networkIP_is_kept()
    {
        Assert.Matches(@"^127\.9\.\d{1,3}$", _host.AddressPrefix);
        var given = _host.AllocateInternalAddress();
        Assert.True(_host.InternalAddressPool.Contains(given));
        Assert.NotEqual(given, _host.AllocateInternalAddress());

        await _compute.WaitAsync(await _compute.Addresses.Insert(Project, Region, new Address { Name = "static-one" }).ExecuteAsync());
        var reserved = (await _compute.Addresses.Get(Project, Region, "static-one").ExecuteAsync()).IPAddress!;
        Assert.True(_host.StaticAddressPool.Contains(reserved), reserved);

        await InsertAsync("given", networkIP: given);
        await InsertAsync("allocated", networkIP: null);
        var withGiven = await _compute.Instances.Get(Project, Zone, "given").ExecuteAsync();
        var allocated = await _compute.Instances.Get(Project, Zone, "allocated").ExecuteAsync();
        Assert.Equal(given, withGiven.NetworkInterfaces![0].NetworkIP);
        Assert.True(_host.InternalAddressPool.Contains(allocated.NetworkInterfaces![0].NetworkIP!), allocated.NetworkInterfaces![0].NetworkIP);
        Assert.True(_host.EphemeralAddressPool.Contains(allocated.NetworkInterfaces![0].AccessConfigs![0].NatIP!));

        // No startup script: the VM "boots" but runs nothing, and the harness says why.
        await _host.WaitUntilAsync(() => _host.Vm("given")?.State == FakeVmState.Failed, Deadline, "the VM without a startup script fails its boot");
        Assert.Contains("startup-script", _host.Vm("given")!.LastError);
        Assert.Equal("UNHEALTHY", _host.Vm("given")!.Health);
    }

    [Fact]
    public async Task Disposal_leaves_no_folder_process_or_reservation()
    {
        var folder = _host.Folder;
        var reservation = Path.Combine(FakeVmAddressBlock.ReservationFolder, _host.AddressPrefix);
        Assert.True(File.Exists(reservation));
        await InsertAsync("one", networkIP: null);
        await _host.WaitUntilAsync(() => _host.Vm("one") is not null, Deadline, "the harness sees the instance");

        await _host.DisposeAsync();

        Assert.False(Directory.Exists(folder));
        Assert.False(File.Exists(reservation));
        Assert.Empty(DetachedProcess.FindByMarker(folder));
    }

    [Fact]
    public async Task A_new_harness_stops_and_removes_what_a_killed_run_left()
    {
        var parent = Path.Combine(Path.GetTempPath(), $"hamaster-fakevm-parent-{Guid.NewGuid():N}");
        var leftover = Path.Combine(parent, FakeVmLeftovers.FolderPrefix + "deadbeef00");
        Directory.CreateDirectory(leftover);
        File.WriteAllText(Path.Combine(leftover, "owner"), "999999999 0");
        var pid = DetachedProcess.Start("/bin/sh", ["-c", "sleep 300", leftover], Path.Combine(leftover, "sleep.log"));
        try
        {
            Assert.True(DetachedProcess.IsRunning(pid, leftover));
            await using (var next = new FakeVmHost(_standIn, parent))
            {
                Assert.False(DetachedProcess.IsRunning(pid, leftover));
                Assert.False(Directory.Exists(leftover));
                Assert.True(Directory.Exists(next.Folder));
            }
        }
        finally
        {
            await DetachedProcess.StopAllAsync(leftover, graceful: false, TimeSpan.FromSeconds(5), CancellationToken.None);
            Directory.Delete(parent, recursive: true);
        }
    }

    private async Task InsertAsync(string name, string? networkIP)
    {
        var instance = new Instance
        {
            Name = name,
            MachineType = $"zones/{Zone}/machineTypes/e2-small",
            Disks = [new AttachedDisk { Boot = true, AutoDelete = true, InitializeParams = new AttachedDiskInitializeParams { SourceImage = "projects/debian-cloud/global/images/family/debian-12" } }],
            NetworkInterfaces = [new NetworkInterface { Network = "global/networks/default", NetworkIP = networkIP, AccessConfigs = [new AccessConfig { Name = "external-nat", Type = AccessConfig.OneToOneNat }] }],
        };
        await _compute.WaitAsync(await _compute.Instances.Insert(Project, Zone, instance).ExecuteAsync());
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        _compute.Dispose();
        await _standIn.DisposeAsync();
    }
}
