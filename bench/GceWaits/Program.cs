using System.Diagnostics;
using System.Text.Json;
using HaMaster.Engine;
using HaMaster.Engine.Model;
using HaMaster.Engine.State;
using HaMaster.Gce;
using HaMaster.Gce.Compute;
using HaMaster.Testing.Compute;
using HaMaster.Testing.Compute.FakeVm;

// The Gce provider against the Compute stand-in whose operations each take 1 s: wall time and the
// number of operation waits that follow one another, per step, beside kube-up's sequence for the
// same step (../shared/research/kube-up-ha-masters.md §3-§5: every gcloud command waits for its
// operation before the next starts). Each run creates a cluster, grows it to 3 replicas, rolls the 3
// out (Update-HaCluster -Rollout) and shrinks it back to 1 (a cluster of its own, removed at its end).
// Usage: GceWaits [--runs N] [--json FILE]   (FILE gets every run's figures; bench/run.sh passes it to the benchmark)
const string project = "hamaster-bench";
var kubeUp = new Dictionary<string, int>
{
    // disk, etcd firewall, static address, instance (the https firewall runs in the background)
    ["create"] = 4,
    // delete and add the first master's access config, target pool, add-instances, forwarding rule; disk, instance, add-instances
    ["add 1 to 2"] = 8,
    // disk, instance, add-instances
    ["add 2 to 3"] = 3,
    // by hand, per master (kube-up has no rollout): kube-down's remove-instances and instance delete, then kube-up's disk, instance, add-instances
    ["rollout 3"] = 15,
    // remove-instances, instance delete, forwarding rule delete, delete and add the access config, target pool delete
    ["remove 2 to 1"] = 6,
};

var runs = 1;
string? jsonFile = null;
for (var i = 0; i < args.Length; i++)
{
    if (args[i] == "--runs" && i + 1 < args.Length && int.TryParse(args[i + 1], out runs) && runs >= 1) i++;
    else if (args[i] == "--json" && i + 1 < args.Length) jsonFile = args[++i];
    else
    {
        Console.Error.WriteLine("usage: GceWaits [--runs N] [--json FILE]");
        return 2;
    }
}

await using var standIn = new ComputeStandIn { OperationLatency = TimeSpan.FromSeconds(1) };
await standIn.StartAsync();
await using var vms = new FakeVmHost(standIn);
vms.Start();
using var compute = new ComputeService(new ComputeServiceOptions { Endpoint = standIn.BaseUri.ToString(), OperationPollInterval = TimeSpan.FromMilliseconds(100) });
var home = Path.Combine(Path.GetTempPath(), $"hmgcebench-{Guid.NewGuid():N}"[..20]);
var provider = new GceProvider(new StateDirectory(home), compute, new GceProviderOptions { Access = GceAccess.Internal, SubnetRange = $"{vms.AddressPrefix}.0/25" });
var engine = new HaEngine(new StateDirectory(home), _ => provider, NullObserver.Instance);
var wallSeconds = kubeUp.Keys.ToDictionary(step => step, _ => new List<double>());
var sequentialWaits = kubeUp.Keys.ToDictionary(step => step, _ => new List<long>());
try
{
    for (var run = 1; run <= runs; run++)
    {
        var name = $"bench{run}";
        await Measure("create", () => engine.NewClusterAsync(new NewClusterRequest(name, ProviderKind.Gce, "us-central1-a", project), CancellationToken.None));
        await Measure("add 1 to 2", () => engine.AddReplicaAsync(name, null, CancellationToken.None));
        await Measure("add 2 to 3", () => engine.AddReplicaAsync(name, null, CancellationToken.None));
        await Measure("rollout 3", () => engine.RolloutAsync(name, CancellationToken.None));
        var replicas = await engine.GetReplicasAsync(name, CancellationToken.None);
        await engine.RemoveReplicaAsync(name, replicas[^1].Name, force: false, CancellationToken.None);
        await Measure("remove 2 to 1", () => engine.RemoveReplicaAsync(name, replicas[^2].Name, force: false, CancellationToken.None));
        await engine.RemoveClusterAsync(name, CancellationToken.None);
        Console.Error.WriteLine($"[{DateTime.Now:HH:mm:ss}] g run {run}: {string.Join(", ", kubeUp.Keys.Select(step => $"{step} {wallSeconds[step][^1]:0.0} s, {sequentialWaits[step][^1]} waits"))}");
    }
}
finally
{
    if (Directory.Exists(home)) Directory.Delete(home, recursive: true);
}

Console.WriteLine($"{"step",-16}{"wall (s), each run",24}{"HaMaster waits",20}{"kube-up waits",15}");
foreach (var step in kubeUp.Keys)
    Console.WriteLine($"{step,-16}{string.Join(" ", wallSeconds[step].Select(w => w.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture))),24}{string.Join(" ", sequentialWaits[step]),20}{kubeUp[step],15}");
if (jsonFile is not null)
{
    var steps = kubeUp.Keys.Select(step => new { step, wallSeconds = wallSeconds[step], sequentialWaits = sequentialWaits[step], kubeUpSequentialWaits = kubeUp[step] });
    await File.WriteAllTextAsync(jsonFile, JsonSerializer.Serialize(new { operationLatencySeconds = 1, runs, steps }, new JsonSerializerOptions { WriteIndented = true }));
}
Console.WriteLine($"left in the stand-in: {standIn.Inventory().Count} resources");
return standIn.Inventory().Count == 0 ? 0 : 1;

async Task Measure(string step, Func<Task> action)
{
    compute.Stats.Reset();
    var clock = Stopwatch.StartNew();
    await action();
    wallSeconds[step].Add(Math.Round(clock.Elapsed.TotalSeconds, 1));
    sequentialWaits[step].Add(compute.Stats.SequentialWaits);
}
