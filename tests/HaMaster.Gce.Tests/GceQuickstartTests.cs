using System.Management.Automation;
using HaMaster.Gce.Tests.Compute;
using HaMaster.Gce.Tests.FakeVm;
using HaMaster.Runner;
using HaMaster.Testing.Compute;
using Xunit;

namespace HaMaster.Gce.Tests;

/// <summary>
/// The quickstart with -Provider Gce, through the module's cmdlets, against the Compute stand-in
/// whose VMs run real etcd members and API endpoints (the fake-VM harness). The module reaches the
/// replicas' internal addresses directly (HAMASTER_GCE_ETCD_ACCESS=Internal), as from inside the VPC.
/// </summary>
[Collection(ProcessEnvironmentCollection.Name)]
public sealed class GceQuickstartTests : IAsyncLifetime
{
    private readonly ComputeStandIn _standIn = new();
    private readonly StringWriter _host = new();
    private readonly string _home = Path.Combine(Path.GetTempPath(), $"hmgce-{Guid.NewGuid():N}"[..14]);
    private readonly Dictionary<string, string?> _savedEnvironment = new();
    private FakeVmHost _vms = null!;

    public async Task InitializeAsync()
    {
        await _standIn.StartAsync();
        _vms = new FakeVmHost(_standIn);
        _vms.Start();
        SetEnvironment("CLOUDSDK_API_ENDPOINT_OVERRIDES_COMPUTE", _standIn.BaseUri.ToString());
        SetEnvironment("HAMASTER_GCE_ETCD_ACCESS", "Internal");
        SetEnvironment("HAMASTER_GCE_SUBNET_RANGE", $"{_vms.AddressPrefix}.0/25");
        Directory.CreateDirectory(_home);
    }

    [Fact]
    public void The_quickstart_runs_on_the_Gce_provider_and_leaves_nothing_behind()
    {
        using var runspace = ScriptRunner.OpenRunspace(new ConsoleHost(_host));
        runspace.SessionStateProxy.SetVariable("HaMasterHome", _home);

        var cluster = Single<HaCluster>(runspace, "New-HaCluster -Name demo -Provider Gce -Project hamaster-test -Zone us-central1-a");
        Assert.Equal("Healthy", cluster.Status);
        // Zones complete from the cluster's region; a cold cache may answer empty at first (it never waits over 1 s).
        string[] zones = [];
        Assert.True(SpinWait.SpinUntil(() => (zones = CompleteZones(runspace)).Length > 0, TimeSpan.FromSeconds(20)), "zones never completed");
        Assert.Contains("us-central1-a", zones);
        Assert.All(zones, z => Assert.StartsWith("us-central1-", z));
        Assert.Equal(2, Run(runspace, "Add-MasterReplica -Cluster demo -Count 2").OfType<MasterReplica>().Count());
        var replicas = Run(runspace, "Get-MasterReplica demo").OfType<MasterReplica>().ToList();
        Assert.Equal(3, replicas.Count);
        Assert.All(replicas, r => Assert.True(r.Healthy, $"{r.Name}: {string.Join("; ", r.Problems)}"));
        Assert.NotNull(_standIn.GetResource("projects/hamaster-test/regions/us-central1/forwardingRules/demo-master"));

        var victim = replicas.First(r => r.EtcdRole == "Follower");
        Run(runspace, $"Stop-MasterReplica -Cluster demo -Name {victim.Name} -Force");
        Assert.True(Single<MasterReplica>(runspace, $"Get-MasterReplica demo -Name {victim.Name}").Unhealthy);

        var repaired = Single<MasterReplica>(runspace, "Get-MasterReplica | Where Unhealthy | Replace-MasterReplica");
        Assert.True(repaired.Healthy, string.Join("; ", repaired.Problems));
        Assert.All(Run(runspace, "Get-MasterReplica demo").OfType<MasterReplica>(), r => Assert.True(r.Healthy, $"{r.Name}: {string.Join("; ", r.Problems)}"));

        Run(runspace, "Remove-HaCluster demo -Force");
        Assert.Empty(_standIn.Inventory());
    }

    private string[] CompleteZones(System.Management.Automation.Runspaces.Runspace runspace) =>
        Run(runspace, "$line = 'Add-MasterReplica -Cluster demo -Zone us'; (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches | ForEach-Object CompletionText")
            .OfType<string>().ToArray();

    private T Single<T>(System.Management.Automation.Runspaces.Runspace runspace, string script) => Assert.Single(Run(runspace, script).OfType<T>());

    private List<object> Run(System.Management.Automation.Runspaces.Runspace runspace, string script)
    {
        using var shell = PowerShell.Create();
        shell.Runspace = runspace;
        shell.AddScript(script);
        var output = shell.Invoke().Select(o => o.BaseObject).ToList();
        Assert.True(shell.Streams.Error.Count == 0,
            $"{script}: {string.Join(Environment.NewLine, shell.Streams.Error.Select(e => $"{e.FullyQualifiedErrorId}: {e.ErrorDetails?.Message ?? e.Exception.Message}"))}{Environment.NewLine}{_vms.DescribeAll()}");
        return output;
    }

    private void SetEnvironment(string name, string value)
    {
        _savedEnvironment[name] = Environment.GetEnvironmentVariable(name);
        Environment.SetEnvironmentVariable(name, value);
    }

    public async Task DisposeAsync()
    {
        foreach (var (name, value) in _savedEnvironment) Environment.SetEnvironmentVariable(name, value);
        await _vms.DisposeAsync();
        await _standIn.DisposeAsync();
        if (Directory.Exists(_home)) Directory.Delete(_home, recursive: true);
    }
}
