using HaMaster.Engine.Model;
using HaMaster.Engine.Providers;
using HaMaster.TestSupport;
using Xunit;

namespace HaMaster.Gce.Tests.GceProviderTests;

/// <summary>Replica VMs: created as kube-up would, started, stopped, deleted, inspected; each step idempotent.</summary>
public sealed class GceProviderReplicaTests : GceProviderTestBase
{
    [Fact]
    public async Task The_first_replica_is_a_labelled_tagged_VM_holding_the_static_address()
    {
        var state = await NewClusterAsync();
        var first = await AddReplicaAsync(state, "demo-master", ZoneA);

        var instance = Instance(first)!;
        Assert.Equal("RUNNING", (string?)instance["status"]);
        Assert.Equal(state.Address, NatIP(instance));
        Assert.Equal(state.Address, first.ExternalAddress);
        Assert.Equal(first.InternalAddress, (string?)instance["networkInterfaces"]![0]!["networkIP"]);
        Assert.EndsWith("/machineTypes/e2-standard-2", (string?)instance["machineType"]);
        Assert.Equal("demo", (string?)instance["labels"]!["cluster"]);
        Assert.Equal("master", (string?)instance["labels"]!["role"]);
        Assert.Equal("demo-master", (string?)instance["tags"]!["items"]![0]);
        Assert.True((bool?)instance["disks"]![0]!["autoDelete"]);
        var keys = instance["metadata"]!["items"]!.AsArray().Select(i => (string?)i!["key"]).ToList();
        Assert.Contains("startup-script", keys);
        Assert.Contains("ssh-keys", keys);
        var sshKeys = (string?)instance["metadata"]!["items"]!.AsArray().Single(i => (string?)i!["key"] == "ssh-keys")!["value"];
        Assert.StartsWith("hamaster:ssh-ed25519 ", sshKeys);
        var reserved = Resource($"regions/{Region}/addresses/demo-master-ip")!;
        Assert.Equal("IN_USE", (string?)reserved["status"]);
    }

    [Fact]
    public async Task A_later_replica_gets_an_ephemeral_address()
    {
        var state = await NewClusterAsync();
        await AddReplicaAsync(state, "demo-master", ZoneA);
        var second = await AddReplicaAsync(state, "demo-master-a1b", ZoneB);

        var nat = NatIP(Instance(second));
        Assert.NotNull(nat);
        Assert.NotEqual(state.Address, nat);
    }

    [Fact]
    public async Task Starting_a_running_replica_again_changes_nothing()
    {
        var state = await NewClusterAsync();
        var first = await AddReplicaAsync(state, "demo-master", ZoneA);
        var mutations = StandIn.MutationCount;

        await Provider.StartReplicaAsync(state, first, Bootstrap(state), Certificates(first.Name), CancellationToken.None);

        Assert.Equal(mutations, StandIn.MutationCount);
    }

    [Fact]
    public async Task A_crashed_replica_is_started_again()
    {
        var state = await NewClusterAsync();
        var first = await AddReplicaAsync(state, "demo-master", ZoneA);
        StandIn.SetInstanceStatus(Project, ZoneA, first.Name, "TERMINATED");
        Assert.Equal(ReplicaStatus.Stopped, (await Provider.InspectAsync(state, first, CancellationToken.None)).Status);

        await Provider.StartReplicaAsync(state, first, Bootstrap(state), Certificates(first.Name), CancellationToken.None);

        Assert.Equal("RUNNING", (string?)Instance(first)!["status"]);
        Assert.Equal(1, StandIn.CountCalls("instances.start"));
        Assert.Equal(0, StandIn.CountCalls("instances.setMetadata"));
        Assert.Equal(state.Address, NatIP(Instance(first)));
    }

    /// <summary>How long the stand-in reports a passing status (PENDING_STOP, DEPROVISIONING, PENDING); the provider reads the VM well within it.</summary>
    private static readonly TimeSpan Passing = TimeSpan.FromSeconds(2);

    [Theory]
    [InlineData("PENDING_STOP")]
    [InlineData("DEPROVISIONING")]
    [InlineData("STOPPED")]
    public async Task A_replica_found_stopping_or_stopped_in_any_way_Compute_reports_is_started_once_stopped(string status)
    {
        var state = await NewClusterAsync();
        var first = await AddReplicaAsync(state, "demo-master", ZoneA);
        var set = DateTimeOffset.UtcNow;
        StandIn.SetInstanceStatus(Project, ZoneA, first.Name, status, lasting: Passing);

        await Provider.StartReplicaAsync(state, first, Bootstrap(state), Certificates(first.Name), CancellationToken.None);

        Assert.Equal("RUNNING", (string?)Instance(first)!["status"]);
        Assert.True(StandIn.Requests.First(r => r.At >= set && r.Call == "instances.get").At < set + Passing, $"the provider read the VM while it was {status}");
        var start = Assert.Single(StandIn.Requests, r => r.Call == "instances.start");
        Assert.Equal(200, start.StatusCode);
    }

    [Fact]
    public async Task A_replica_found_pending_is_waited_for_and_not_started_again()
    {
        var state = await NewClusterAsync();
        var first = await AddReplicaAsync(state, "demo-master", ZoneA);
        var set = DateTimeOffset.UtcNow;
        StandIn.SetInstanceStatus(Project, ZoneA, first.Name, "PENDING", lasting: Passing);

        await Provider.StartReplicaAsync(state, first, Bootstrap(state), Certificates(first.Name), CancellationToken.None);

        Assert.Equal("RUNNING", (string?)Instance(first)!["status"]);
        Assert.True(StandIn.Requests.First(r => r.At >= set && r.Call == "instances.get").At < set + Passing, "the provider read the VM while it was PENDING");
        Assert.Equal(0, StandIn.CountCalls("instances.start"));
    }

    [Theory]
    [InlineData("PENDING_STOP")]
    [InlineData("DEPROVISIONING")]
    [InlineData("STOPPED")]
    public async Task Stopping_a_replica_already_on_its_way_down_or_stopped_only_waits(string status)
    {
        var state = await NewClusterAsync();
        var first = await AddReplicaAsync(state, "demo-master", ZoneA);
        StandIn.SetInstanceStatus(Project, ZoneA, first.Name, status, lasting: Passing);
        var mutations = StandIn.MutationCount;

        await Provider.StopReplicaAsync(state, first, graceful: true, CancellationToken.None);

        Assert.Equal(mutations, StandIn.MutationCount);
        Assert.Contains((string?)Instance(first)!["status"], new[] { "TERMINATED", "STOPPED" });
    }

    [Theory]
    [InlineData("PENDING_STOP", ReplicaStatus.Stopped, "stopping (PENDING_STOP)")]
    [InlineData("STOPPING", ReplicaStatus.Stopped, "stopping")]
    [InlineData("DEPROVISIONING", ReplicaStatus.Stopped, "stopping (DEPROVISIONING)")]
    [InlineData("STOPPED", ReplicaStatus.Stopped, "stopped (STOPPED)")]
    [InlineData("TERMINATED", ReplicaStatus.Stopped, "stopped (TERMINATED)")]
    [InlineData("SUSPENDED", ReplicaStatus.Stopped, "suspended (SUSPENDED)")]
    [InlineData("PENDING", ReplicaStatus.Partial, "starting (PENDING)")]
    [InlineData("PROVISIONING", ReplicaStatus.Partial, "starting (PROVISIONING)")]
    [InlineData("STAGING", ReplicaStatus.Partial, "starting (STAGING)")]
    [InlineData("REPAIRING", ReplicaStatus.Partial, "repaired")]
    public void Every_status_of_the_schema_means_something_for_the_replica(string status, ReplicaStatus expected, string problem)
    {
        var replica = new ReplicaRecord { Name = "demo-master", Zone = ZoneA, InternalAddress = "10.128.15.253" };

        var runtime = GceInstanceStatus.Runtime(replica, new HaMaster.Gce.Compute.Instance { Name = replica.Name, Status = status });

        Assert.Equal(expected, runtime.Status);
        Assert.Contains(problem, runtime.Problems.Single());
        Assert.Equal(expected == ReplicaStatus.Partial, runtime.EtcdDown && runtime.ApiDown);
    }

    [Fact]
    public async Task With_external_access_the_api_is_reached_at_the_vms_public_address()
    {
        var state = await NewClusterAsync();
        var first = await AddReplicaAsync(state, "demo-master", ZoneA);
        Assert.Null((await Provider.InspectAsync(state, first, CancellationToken.None)).ApiAddress);

        state.ProviderData[GceClusterSettings.AccessKey] = nameof(GceAccess.External);
        var runtime = await Provider.InspectAsync(state, first, CancellationToken.None);
        Assert.Equal(NatIP(Instance(first)), runtime.ApiAddress);
        Assert.NotEqual(first.InternalAddress, runtime.ApiAddress);
    }

    [Fact]
    public async Task A_replica_vm_enables_guest_attributes_and_authorizes_the_module_key()
    {
        var state = await NewClusterAsync();
        var first = await AddReplicaAsync(state, "demo-master", ZoneA);
        var items = Instance(first)!["metadata"]!["items"]!.AsArray().ToDictionary(i => (string)i!["key"]!, i => (string)i!["value"]!);
        Assert.Equal("TRUE", items["enable-guest-attributes"]);
        Assert.StartsWith($"{Provider.Options.SshUser}:ssh-ed25519 ", items[GceReplicaInstance.SshKeysMetadataKey]);
    }

    [Fact]
    public async Task Stop_delete_and_inspect_follow_the_VM()
    {
        var state = await NewClusterAsync();
        var first = await AddReplicaAsync(state, "demo-master", ZoneA);
        Assert.Equal(new ReplicaRuntime(ReplicaStatus.Running, []).Status, (await Provider.InspectAsync(state, first, CancellationToken.None)).Status);

        await Provider.StopReplicaAsync(state, first, graceful: false, CancellationToken.None);
        Assert.Equal("TERMINATED", (string?)Instance(first)!["status"]);
        var stopped = await Provider.InspectAsync(state, first, CancellationToken.None);
        Assert.Equal(ReplicaStatus.Stopped, stopped.Status);
        Assert.Contains("TERMINATED", stopped.Problems.Single());
        var mutations = StandIn.MutationCount;
        await Provider.StopReplicaAsync(state, first, graceful: true, CancellationToken.None);
        Assert.Equal(mutations, StandIn.MutationCount);

        await Provider.DeleteReplicaAsync(state, first, CancellationToken.None);
        Assert.Null(Instance(first));
        var missing = await Provider.InspectAsync(state, first, CancellationToken.None);
        Assert.Equal(ReplicaStatus.Missing, missing.Status);
        Assert.Contains("does not exist", missing.Problems.Single());
        await Provider.DeleteReplicaAsync(state, first, CancellationToken.None);
        await Provider.StopReplicaAsync(state, first, graceful: false, CancellationToken.None);
    }

    [Fact]
    public async Task A_booting_VM_is_partial()
    {
        var state = await NewClusterAsync();
        var replica = new ReplicaRecord { Name = "demo-master", Zone = ZoneA, InternalAddress = Provider.AllocateReplicaAddress(state) };
        state.Replicas.Add(replica);
        StandIn.InstanceBootTime = TimeSpan.FromSeconds(2);
        var start = Provider.StartReplicaAsync(state, replica, Bootstrap(state), Certificates(replica.Name), CancellationToken.None);

        ReplicaRuntime? runtime = null;
        await Eventually.HoldsAsync("the booting VM inspected as Partial", async () =>
        {
            runtime = await Provider.InspectAsync(state, replica, CancellationToken.None);
            return (runtime.Status == ReplicaStatus.Partial, $"status {runtime.Status}");
        }, TimeSpan.FromSeconds(5));

        Assert.Equal(ReplicaStatus.Partial, runtime!.Status);
        Assert.Contains("starting", runtime.Problems.Single());
        await start;
        Assert.Equal(ReplicaStatus.Running, (await Provider.InspectAsync(state, replica, CancellationToken.None)).Status);
    }

    [Fact]
    public async Task The_module_keys_are_kept_owner_only_and_reused()
    {
        var state = await NewClusterAsync();
        await AddReplicaAsync(state, "demo-master", ZoneA);

        var folder = Provider.GceDirectory(Cluster);
        foreach (var file in new[] { GceKeyFiles.SshKeyFile, GceKeyFiles.ServiceAccountKeyFile })
        {
            var path = Path.Combine(folder, file);
            Assert.True(File.Exists(path));
            if (!OperatingSystem.IsWindows())
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }
        Assert.Equal(Provider.SshKey(Cluster).PublicKey, Provider.SshKey(Cluster).PublicKey);
        Assert.Equal(Provider.ServiceAccountKey(Cluster), Provider.ServiceAccountKey(Cluster));
    }
}
