using System.Diagnostics;
using System.Management.Automation;
using System.Text.Json;
using HaMaster.Engine.Flows;
using HaMaster.TestSupport;
using Xunit.Sdk;
using System.Management.Automation.Runspaces;
using HaMaster.Testing.Compute.FakeVm;
using HaMaster.Runner;
using HaMaster.Testing.Compute;
using Xunit;

namespace HaMaster.Gce.Tests;

/// <summary>
/// A Compute stand-in whose VMs run real etcd members, API endpoints and SSH servers, and a PowerShell
/// session with the module pointed at it. Clusters are made with the default access (External), as
/// from a machine outside the VPC: etcd through SSH tunnels to the VMs' external addresses, API
/// servers at those addresses. Sets process environment variables: tests using it belong to the
/// process-environment collection.
/// </summary>
public sealed class GceTestCloud : IAsyncDisposable
{
    public const string Project = "hamaster-test";
    private readonly StringWriter _host = new();
    private readonly Dictionary<string, string?> _savedEnvironment = new();

    private GceTestCloud(ComputeStandIn standIn, FakeVmHost vms)
    {
        StandIn = standIn;
        Vms = vms;
        Home = Path.Combine(Path.GetTempPath(), $"hmgce-{Guid.NewGuid():N}"[..14]);
        Directory.CreateDirectory(Home);
        SetEnvironment("CLOUDSDK_API_ENDPOINT_OVERRIDES_COMPUTE", standIn.BaseUri.ToString());
        Runspace = ScriptRunner.OpenRunspace(new ConsoleHost(_host));
        Runspace.SessionStateProxy.SetVariable("HaMasterHome", Home);
    }

    public const string Zone = "us-central1-a";

    public ComputeStandIn StandIn { get; }
    public FakeVmHost Vms { get; }
    public string Home { get; }
    public Runspace Runspace { get; }

    public static async Task<GceTestCloud> StartAsync()
    {
        var standIn = new ComputeStandIn();
        await standIn.StartAsync();
        var vms = new FakeVmHost(standIn, FakeVmHost.RootOwnedParentFolder) { SshServers = true };
        vms.Start();
        return new GceTestCloud(standIn, vms);
    }

    /// <summary>
    /// The New-HaCluster command line of a cluster in this cloud: the fake VMs' internal addresses are
    /// the harness's loopback block, given as the subnet range.
    /// </summary>
    public string NewCluster(string name, string more = "") =>
        $"New-HaCluster -Name {name} -Provider Gce -Project {Project} -Zone {Zone} -SubnetRange {Vms.AddressPrefix}.0/25 {more}".TrimEnd();

    /// <summary>Runs a script that must not fail; returns its output objects.</summary>
    public List<object> Run(string script)
    {
        var (output, errors) = Try(script);
        Assert.True(errors.Count == 0, $"{script}: {string.Join(Environment.NewLine, errors.Select(Describe))}{Environment.NewLine}{Vms.DescribeAll()}");
        return output;
    }

    public T Single<T>(string script) => Assert.Single(Run(script).OfType<T>());

    public (List<object> Output, List<ErrorRecord> Errors) Try(string script)
    {
        using var shell = PowerShell.Create();
        shell.Runspace = Runspace;
        shell.AddScript(script);
        var output = new List<object>();
        var errors = new List<ErrorRecord>();
        try
        {
            output.AddRange(shell.Invoke().Select(o => o.BaseObject));
        }
        catch (RuntimeException e)
        {
            errors.Add(e.ErrorRecord);
        }
        errors.AddRange(shell.Streams.Error);
        return (output, errors);
    }

    /// <summary>
    /// Runs <paramref name="script"/> in a script runner process of its own, held before
    /// <paramref name="step"/> (a fault drill pause, after the journal records the step), and kills it
    /// there: a command cut short at a known point, for the next command to finish.
    /// </summary>
    public async Task KillAtStepAsync(string script, string cluster, string step)
    {
        var file = Path.Combine(Home, $"cut-{Guid.NewGuid():N}.ps1");
        File.WriteAllText(file, script);
        var start = new ProcessStartInfo(DotnetHost.Executable)
        {
            // This test project's runtime configuration: its bin folder relies on the ASP.NET Core
            // framework (the stand-in's) for assemblies the runner's own configuration would not find.
            ArgumentList =
            {
                "exec",
                "--runtimeconfig", Path.Combine(AppContext.BaseDirectory, "HaMaster.Gce.Tests.runtimeconfig.json"),
                "--depsfile", Path.Combine(AppContext.BaseDirectory, "HaMaster.Gce.Tests.deps.json"),
                Path.Combine(AppContext.BaseDirectory, "HaMaster.Runner.dll"),
                file,
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["HAMASTER_HOME"] = Home;
        start.Environment[DrillPause.Variable] = $"{step}:600";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        try
        {
            await Eventually.HoldsAsync($"the command reaches its {step} step", () =>
            {
                // An assertion ends the wait at once: a command that has exited will not get there.
                Assert.False(process.HasExited, $"the command exited before its {step} step");
                var pending = PendingStep(cluster);
                return (pending == step, $"pending step {pending ?? "none"}");
            }, TimeSpan.FromMinutes(2));
        }
        catch (XunitException e)
        {
            if (!process.HasExited) process.Kill();
            Assert.Fail($"{e.Message}:\n{await output}\n{await errors}\n{Vms.DescribeAll()}");
        }
        process.Kill();
        process.WaitForExit();
    }

    /// <summary>The step the cluster's journal names (its innermost entry), or null.</summary>
    public string? PendingStep(string cluster)
    {
        try
        {
            var state = JsonDocument.Parse(File.ReadAllText(Path.Combine(Home, "clusters", cluster, "cluster.json"))).RootElement;
            return state.TryGetProperty("pending", out var pending) && pending.ValueKind == JsonValueKind.Object ? pending.GetProperty("step").GetString() : null;
        }
        catch (Exception e) when (e is IOException or JsonException)
        {
            return null;
        }
    }

    public static string Describe(ErrorRecord error) => $"{error.FullyQualifiedErrorId}: {error.ErrorDetails?.Message ?? error.Exception.Message}";

    private void SetEnvironment(string name, string value)
    {
        _savedEnvironment[name] = Environment.GetEnvironmentVariable(name);
        Environment.SetEnvironmentVariable(name, value);
    }

    public async ValueTask DisposeAsync()
    {
        Try("Get-HaCluster -ErrorAction SilentlyContinue | Remove-HaCluster -Force -ErrorAction SilentlyContinue");
        Runspace.Dispose();
        foreach (var (name, value) in _savedEnvironment) Environment.SetEnvironmentVariable(name, value);
        await Vms.DisposeAsync();
        await StandIn.DisposeAsync();
        if (Directory.Exists(Home)) Directory.Delete(Home, recursive: true);
    }
}
