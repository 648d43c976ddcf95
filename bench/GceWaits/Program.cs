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
// operation before the next starts). Usage: GceWaits [results.json]
const string project = "hamaster-bench";
var kubeUp = new Dictionary<string, int>
{
    // disk, etcd firewall, static address, instance (the https firewall runs in the background)
    ["create"] = 4,
    // delete and add the first master's access config, target pool, add-instances, forwarding rule; disk, instance, add-instances
    ["add 1 to 2"] = 8,
    // disk, instance, add-instances
    ["add 2 to 3"] = 3,
    // remove-instances, instance delete, forwarding rule delete, delete and add the access config, target pool delete
    ["remove 2 to 1"] = 6,
};

await using var standIn = new ComputeStandIn { OperationLatency = TimeSpan.FromSeconds(1) };
await standIn.StartAsync();
await using var vms = new FakeVmHost(standIn);
vms.Start();
using var compute = new ComputeService(new ComputeServiceOptions { Endpoint = standIn.BaseUri.ToString(), OperationPollInterval = TimeSpan.FromMilliseconds(100) });
var home = Path.Combine(Path.GetTempPath(), $"hmgcebench-{Guid.NewGuid():N}"[..20]);
var provider = new GceProvider(new StateDirectory(home), compute, new GceProviderOptions { Access = GceAccess.Internal, SubnetRange = $"{vms.AddressPrefix}.0/25" });
var engine = new HaEngine(new StateDirectory(home), _ => provider, NullObserver.Instance);
var results = new List<Dictionary<string, object>>();
try
{
    await Measure("create", () => engine.NewClusterAsync(new NewClusterRequest("bench", ProviderKind.Gce, "us-central1-a", project), CancellationToken.None));
    await Measure("add 1 to 2", () => engine.AddReplicaAsync("bench", null, CancellationToken.None));
    await Measure("add 2 to 3", () => engine.AddReplicaAsync("bench", null, CancellationToken.None));
    var replicas = await engine.GetReplicasAsync("bench", CancellationToken.None);
    await engine.RemoveReplicaAsync("bench", replicas[^1].Name, force: false, CancellationToken.None);
    await Measure("remove 2 to 1", () => engine.RemoveReplicaAsync("bench", replicas[^2].Name, force: false, CancellationToken.None));
    await engine.RemoveClusterAsync("bench", CancellationToken.None);
}
finally
{
    if (Directory.Exists(home)) Directory.Delete(home, recursive: true);
}

Console.WriteLine($"{"step",-16}{"wall (s)",10}{"HaMaster waits",16}{"kube-up waits",15}");
foreach (var r in results)
    Console.WriteLine($"{r["step"],-16}{r["wallSeconds"],10:0.0}{r["sequentialWaits"],16}{r["kubeUpSequentialWaits"],15}");
if (args.Length > 0)
    await File.WriteAllTextAsync(args[0], JsonSerializer.Serialize(new { operationLatencySeconds = 1, steps = results }, new JsonSerializerOptions { WriteIndented = true }));
Console.WriteLine($"left in the stand-in: {standIn.Inventory().Count} resources");
return standIn.Inventory().Count == 0 ? 0 : 1;

async Task Measure(string step, Func<Task> action)
{
    compute.Stats.Reset();
    var clock = Stopwatch.StartNew();
    await action();
    results.Add(new Dictionary<string, object>
    {
        ["step"] = step,
        ["wallSeconds"] = Math.Round(clock.Elapsed.TotalSeconds, 1),
        ["sequentialWaits"] = compute.Stats.SequentialWaits,
        ["kubeUpSequentialWaits"] = kubeUp[step],
        ["atMostHalfOfKubeUp"] = compute.Stats.SequentialWaits * 2 <= kubeUp[step],
    });
}
