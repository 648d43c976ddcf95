using System.Management.Automation;
using HaMaster.Local.Processes;
using HaMaster.TestSupport;

namespace HaMaster.Tests;

/// <summary>
/// Failures provoked in each layer below the cmdlets (state folder, process start, load balancer,
/// etcd) reach the user as an ErrorRecord with an id of docs/errors.md, a target and a recommended
/// action, never as an AggregateException or "One or more errors occurred".
/// </summary>
[Collection(nameof(ProcessEnvironment))]
public sealed class ErrorLayerTests : IDisposable
{
    private readonly PowerShellSession _ps = new();

    [Fact]
    public void A_state_folder_that_cannot_be_written()
    {
        var file = Path.Combine(_ps.Home, "not-a-folder");
        File.WriteAllText(file, "");
        var error = _ps.Run($"$HaMasterHome = '{file}'; New-HaCluster -Name st").SingleError();
        AssertActionable(error, "StorageFailed", "st");
    }

    [Fact]
    public void A_question_in_a_session_that_cannot_ask_names_the_switch_that_goes_on_without_it()
    {
        _ps.Run("New-HaCluster -Name qa | Add-MasterReplica", throwOnError: true);
        using var runner = new RunnerProcess(_ps.Home, "Repair-MasterReplica -Cluster qa -Name qa-master -Confirm:$false; Remove-HaCluster qa");

        Assert.NotEqual(0, runner.WaitForExit(TimeSpan.FromMinutes(1)));
        Assert.Contains("Repair-MasterReplica has to ask before it goes on", runner.Output);
        Assert.Contains("Add -Force to go on without the question", runner.Output);
        Assert.Contains("Add -Force or -Confirm:$false to go on without the question", runner.Output);
        Assert.DoesNotContain("read the component's log", runner.Output, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(2, Assert.Single(_ps.Get<HaCluster>("Get-HaCluster qa")).ReplicaCount);
    }

    [Fact]
    public void A_relative_state_folder_resolves_against_the_current_location_as_PowerShell_paths_do()
    {
        var location = Path.Combine(_ps.Home, "here");
        Directory.CreateDirectory(location);
        _ps.Run($"$null = $ExecutionContext.SessionState.Path.SetLocation('{location}'); $HaMasterHome = 'rel'; New-HaCluster -Name rp", throwOnError: true);
        Assert.True(File.Exists(Path.Combine(location, "rel", "clusters", "rp", "cluster.json")), "the cluster is not under the current location");
        _ps.Run("Remove-HaCluster rp -Force", throwOnError: true);
        Assert.False(Directory.Exists(Path.Combine(location, "rel", "clusters", "rp")));
    }

    [Fact]
    public void An_etcd_that_exits_at_start()
    {
        using var etcd = new FakeProgram(_ps.Home, "echo 'etcd: unknown flag --frobnicate' >&2; exit 2");
        WithVariable("HAMASTER_ETCD", etcd.Path, () =>
        {
            var error = _ps.Run("New-HaCluster -Name pr").SingleError();
            AssertActionable(error, "ProcessStartFailed", null);
            Assert.Contains("unknown flag --frobnicate", error.ErrorDetails.Message);
        });
        Assert.Empty(_ps.Get<HaCluster>("Get-HaCluster"));
    }

    [Fact]
    public void A_load_balancer_that_rejects_its_configuration_then_the_next_command_finishes_the_add()
    {
        _ps.Run("New-HaCluster -Name lb", throwOnError: true);
        using var haproxy = new FakeProgram(_ps.Home, "echo '[ALERT] parsing: this HAProxy refuses everything' >&2; exit 1");
        WithVariable("HAMASTER_HAPROXY", haproxy.Path, () =>
        {
            var error = _ps.Run("Add-MasterReplica -Cluster lb").Errors.Last();
            AssertActionable(error, "ComponentFailed", "lb");
            Assert.Contains("refuses everything", error.ErrorDetails.Message);
        });

        _ps.Run("Add-MasterReplica -Cluster lb", throwOnError: true);
        Assert.All(_ps.Get<MasterReplica>("Get-MasterReplica lb"), r => Assert.True(r.Healthy, string.Join("; ", r.Problems)));
    }

    [Fact]
    public void A_load_balancer_program_that_is_not_haproxy_is_named_as_such()
    {
        _ps.Run("New-HaCluster -Name nh", throwOnError: true);
        using var notHaproxy = new FakeProgram(_ps.Home, "exit 1");
        WithVariable("HAMASTER_HAPROXY", notHaproxy.Path, () =>
        {
            var error = _ps.Run("Add-MasterReplica -Cluster nh").Errors.Last();
            AssertActionable(error, "ComponentFailed", notHaproxy.Path);
            Assert.Contains("said nothing: it does not behave like HAProxy", error.ErrorDetails.Message);
            Assert.Contains("HAMASTER_HAPROXY", error.ErrorDetails.RecommendedAction);
        });
        _ps.Run("Add-MasterReplica -Cluster nh", throwOnError: true);
    }

    [Fact]
    public void An_etcd_that_stops_answering_in_the_middle_of_a_removal()
    {
        _ps.Run("New-HaCluster -Name et | Add-MasterReplica", throwOnError: true);
        var second = _ps.Get<MasterReplica>("Get-MasterReplica et")[1].Name;
        var etcds = Directory.GetDirectories(Path.Combine(_ps.Home, "clusters", "et", "replicas"))
            .SelectMany(folder => DetachedProcess.FindByMarker($"--data-dir={Path.Combine(folder, "etcd-data")}")).ToList();
        Assert.Equal(2, etcds.Count);
        var release = Path.Combine(_ps.Home, "release");
        var script = $$"""
            try { Remove-MasterReplica -Cluster et -Name {{second}} -Confirm:$false -ErrorAction Stop }
            catch { "ID=$($_.FullyQualifiedErrorId)"; "TARGET=$($_.TargetObject)"; "ACTION=$($_.ErrorDetails.RecommendedAction)"; "EXCEPTION=$($_.Exception.GetType().Name): $($_.Exception.Message)" }
            """;
        using (var removal = new RunnerProcess(_ps.Home, script, new Dictionary<string, string> { ["HAMASTER_DRILL_PAUSE"] = "member-remove:600", ["HAMASTER_DRILL_RELEASE"] = release }))
        {
            Eventually.Holds("the removal to reach member-remove", () => ClusterStateFile.PendingStep(_ps.Home, "et") == "member-remove", TimeSpan.FromSeconds(60));
            etcds.ForEach(pid => DetachedProcess.Signal(pid, Signals.Stop));
            try
            {
                File.WriteAllText(release, "");
                removal.WaitForExit(TimeSpan.FromMinutes(2));
            }
            finally
            {
                etcds.ForEach(pid => DetachedProcess.Signal(pid, Signals.Continue));
            }
            Assert.Contains("ID=EtcdRequestFailed,", removal.Output);
            Assert.Matches(@"TARGET=https://127\.[0-9.]+:2379", removal.Output);
            Assert.Contains("ACTION=Check the cluster with Get-MasterReplica", removal.Output);
            Assert.Contains("EXCEPTION=HaException: etcd", removal.Output);
            Assert.DoesNotContain("One or more errors occurred", removal.Output);
        }

        // The next change rolls back the removal the failure interrupted (the member was never removed), then adds.
        var next = _ps.Run("Add-MasterReplica -Cluster et", throwOnError: true);
        Assert.Contains(next.Warnings, w => w.Contains("interrupted RemoveReplica"));
        var replicas = _ps.Get<MasterReplica>("Get-MasterReplica et");
        Assert.Equal(3, replicas.Count);
        Assert.All(replicas, r => Assert.True(r.Healthy, string.Join("; ", r.Problems)));
        Assert.Equal(replicas.Select(r => r.Name).Order(), _ps.Get<EtcdMember>("Get-EtcdMember et").Select(m => m.Name).Order());
    }

    private static void AssertActionable(ErrorRecord error, string id, string? target)
    {
        Assert.StartsWith(id + ",", error.FullyQualifiedErrorId);
        Assert.NotNull(error.TargetObject);
        if (target is not null) Assert.Equal(target, error.TargetObject);
        Assert.False(string.IsNullOrWhiteSpace(error.ErrorDetails?.RecommendedAction));
        Assert.IsNotType<AggregateException>(error.Exception);
        Assert.DoesNotContain("One or more errors occurred", error.ErrorDetails!.Message);
        Assert.NotEqual(ErrorCategory.NotSpecified, error.CategoryInfo.Category);
    }

    private static void WithVariable(string name, string value, Action action)
    {
        Environment.SetEnvironmentVariable(name, value);
        try { action(); }
        finally { Environment.SetEnvironmentVariable(name, null); }
    }

    private static class Signals
    {
        public const int Continue = 18;
        public const int Stop = 19;
    }

    /// <summary>A shell script standing in for a program, to make a component fail on purpose.</summary>
    private sealed class FakeProgram : IDisposable
    {
        public FakeProgram(string folder, string body)
        {
            Path = System.IO.Path.Combine(folder, $"fake-{Guid.NewGuid():N}.sh");
            File.WriteAllText(Path, "#!/bin/sh\n" + body + "\n");
            File.SetUnixFileMode(Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        public string Path { get; }

        public void Dispose() => File.Delete(Path);
    }

    public void Dispose() => _ps.Dispose();
}
