using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using HaMaster.Bench;
using HaMaster.Local;

// HaMaster.Bench [options]       the benchmark (bench/run.sh builds it and runs it; see Options.Usage)
// HaMaster.Bench --client FILE   the availability client (started by the availability scenario)
if (args is ["--client", var clientConfig]) return await AvailabilityClient.RunAsync(clientConfig);
if (args is ["--diagnose-dead-member"]) return Diagnose.DeadEndpoint();
if (args is ["--diagnose-inspect", .. var rest]) return Diagnose.Inspect(rest.Length > 0 ? int.Parse(rest[0], System.Globalization.CultureInfo.InvariantCulture) : 5);

Options options;
try
{
    options = Options.Parse(args);
}
catch (Exception e) when (e is ArgumentException or FormatException)
{
    Console.Error.WriteLine(e.Message);
    Console.Error.WriteLine(Options.Usage);
    return 2;
}

ThreadPool.SetMinThreads(32, 32);
using var cancel = new CancellationTokenSource();
// Ctrl+C or SIGTERM: stop the running command, remove the clusters, then exit.
void Stop(PosixSignalContext context)
{
    context.Cancel = true;
    Console.Error.WriteLine($"{context.Signal}: stopping; the clusters are being removed.");
    cancel.Cancel();
}
using var onInterrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);

var machine = new JsonObject
{
    ["cores"] = Environment.ProcessorCount,
    ["os"] = RuntimeInformation.OSDescription,
    ["dotnet"] = RuntimeInformation.FrameworkDescription,
    ["etcd"] = FirstLine(LocalComponents.Find().Etcd, "--version"),
    ["haproxy"] = FirstLine(LocalComponents.Find().Haproxy, "-v"),
    ["loadAverageAtStart"] = LoadAverage(),
};
var results = new Results();
var scenarios = new Scenarios(options, results, cancel.Token);
var total = Stopwatch.StartNew();
var failed = false;

if (options.Scenarios.Contains("import"))
{
    if (options.ImportResults is null || !File.Exists(options.ImportResults))
        Console.Error.WriteLine("import: skipped (no --import-results file from bench/ImportTime; bench/run.sh makes one)");
    else
    {
        using var document = JsonDocument.Parse(File.ReadAllText(options.ImportResults));
        List<double> Runs(string name) => document.RootElement.GetProperty(name).EnumerateArray().Select(v => v.GetDouble()).ToList();
        results.Figures["importFresh"] = new Figure(Runs("fresh"), "ms");
        results.Figures["importWarm"] = new Figure(Runs("warm"), "ms", Target.Median(300));
        results.Figures["importProcessStartToImported"] = new Figure(Runs("freshProcessToImported"), "ms");
        results.Figures["importEmptyModuleFresh"] = new Figure(Runs("emptyModuleFresh"), "ms");
    }
}

if (options.Scenarios.Contains("gce"))
{
    if (options.GceResults is null || !File.Exists(options.GceResults))
        Console.Error.WriteLine("gce: skipped (no --gce-results file from bench/GceWaits; bench/run.sh makes one)");
    else
        results.Gce = GceFigures.Load(options.GceResults);
}

var order = new (string Name, Action Run)[]
{
    ("create", scenarios.Create),
    ("scale", scenarios.Scale),
    ("repair", scenarios.Repair),
    ("list", scenarios.List),
    ("availability", scenarios.Availability),
    ("drills", scenarios.Drills),
    ("backup", scenarios.Backups),
    ("restore", scenarios.Restore),
    ("credentials", scenarios.Credentials),
    ("maintenance", scenarios.Maintenance),
    ("rollout", scenarios.Rollout),
};
foreach (var (name, run) in order)
{
    if (!options.Scenarios.Contains(name) || cancel.IsCancellationRequested) continue;
    var watch = Stopwatch.StartNew();
    Console.Error.WriteLine($"[{DateTime.Now:HH:mm:ss}] == {name}");
    try
    {
        run();
    }
    catch (Exception e) when (e is BenchException or OperationCanceledException or InvalidOperationException)
    {
        failed = true;
        var message = e is OperationCanceledException ? "stopped by the user" : e.Message;
        Console.Error.WriteLine($"{name} FAILED: {message}");
        results.Failures.TryAdd(name, []);
        results.Failures[name].Add(Redact.Text(message));
    }
    Console.Error.WriteLine($"[{DateTime.Now:HH:mm:ss}] == {name} took {watch.Elapsed.TotalSeconds:0} s");
}

machine["loadAverageAtEnd"] = LoadAverage();
var json = results.ToJson(options, total.Elapsed, machine);
// A run stopped by the user leaves the previous results in place.
if (!cancel.IsCancellationRequested)
{
    Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(options.Output))!);
    File.WriteAllText(options.Output, json.ToJsonString(new JsonSerializerOptions { WriteIndented = true, TypeInfoResolver = new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver(), Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n");
}

Console.WriteLine();
Console.WriteLine(results.Table());
foreach (var cleanup in results.Homes.Select(h => h.Cleanup).OfType<CleanupReport>().Where(c => c.LeftoverProcesses > 0 || c.LeftoverReservations > 0 || c.RemoveError is not null))
{
    failed = true;
    Console.WriteLine($"cleanup of {cleanup.Scenario}: {cleanup.LeftoverProcesses} process(es) and {cleanup.LeftoverReservations} loopback reservation(s) were left{(cleanup.RemoveError is null ? "" : "; Remove-HaCluster: " + cleanup.RemoveError)}");
}
foreach (var (scenario, list) in results.Failures)
    foreach (var failure in list) Console.WriteLine($"failure in {scenario}: {failure}");
Console.WriteLine($"{(cancel.IsCancellationRequested ? "Stopped: nothing written" : $"Written to {options.Output}")} ({total.Elapsed.TotalMinutes:0.0} min; load average {machine["loadAverageAtStart"]} at start, {machine["loadAverageAtEnd"]} at end, {Environment.ProcessorCount} cores).");
return failed || cancel.IsCancellationRequested ? 1 : 0;

static string FirstLine(string program, string argument)
{
    try
    {
        using var process = Process.Start(new ProcessStartInfo(program, argument) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit(10_000);
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault()?.Trim() ?? "";
    }
    catch (Exception e)
    {
        return $"unknown ({e.GetType().Name})";
    }
}

static string LoadAverage() =>
    File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";
