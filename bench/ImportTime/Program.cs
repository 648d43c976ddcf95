using System.Diagnostics;
using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Runspaces;

// ImportTime <module manifest> [--runs N] [--json FILE]
//   fresh: N new processes, each timing its first Import-Module (and process start to imported);
//   warm:  in this process, after one import, N imports each into a new runspace.
// The last line is for scripts: import_fresh_ms=… import_warm_ms=… fresh_process_to_imported_ms=…
// empty_module_fresh_ms=… (PowerShell's own first-import cost, for comparison).
// --json FILE also writes every run: {"fresh":[…],"warm":[…],"freshProcessToImported":[…],"emptyModuleFresh":[…]}
// (bench/run.sh passes it to the benchmark).
var invariant = CultureInfo.InvariantCulture;
if (args is ["--child", var childManifest])
{
    using var runspace = OpenRunspace();
    var import = TimeImport(runspace, childManifest);
    var sinceStart = DateTime.Now - Process.GetCurrentProcess().StartTime;
    Console.WriteLine(string.Create(invariant, $"{import:F1} {sinceStart.TotalMilliseconds:F1}"));
    return 0;
}
var runs = 5;
string? jsonFile = null;
for (var i = 1; i < args.Length; i++)
{
    if (args[i] == "--runs" && i + 1 < args.Length) runs = int.Parse(args[++i], invariant);
    else if (args[i] == "--json" && i + 1 < args.Length) jsonFile = args[++i];
    else { args = []; break; }
}
if (args.Length == 0)
{
    Console.Error.WriteLine("usage: ImportTime <module manifest> [--runs N] [--json FILE]");
    return 2;
}
var manifest = Path.GetFullPath(args[0]);

var (fresh, freshTotal) = MeasureFresh(manifest, runs);
// PowerShell's own cost of a first import, for comparison: an empty module the same way.
var emptyFolder = Directory.CreateTempSubdirectory("import-time-");
var emptyManifest = Path.Combine(emptyFolder.FullName, "Empty.psd1");
File.WriteAllText(emptyManifest, "@{ ModuleVersion = '1.0.0'; GUID = '00000000-0000-0000-0000-000000000001' }");
var (empty, _) = MeasureFresh(emptyManifest, runs);
emptyFolder.Delete(recursive: true);

var warm = new List<double>();
using (var first = OpenRunspace()) TimeImport(first, manifest);
for (var i = 0; i < runs; i++)
{
    using var runspace = OpenRunspace();
    warm.Add(TimeImport(runspace, manifest));
}

Console.WriteLine($"Import-Module {manifest} ({runs} runs each)");
Console.WriteLine($"fresh process: {Summary(fresh)}; process start to imported {Summary(freshTotal)}");
Console.WriteLine($"  an empty module in a fresh process, for comparison: {Summary(empty)}");
Console.WriteLine($"warm:          {Summary(warm)}");
if (jsonFile is not null)
    File.WriteAllText(jsonFile, System.Text.Json.JsonSerializer.Serialize(new { fresh, warm, freshProcessToImported = freshTotal, emptyModuleFresh = empty }));
Console.WriteLine(string.Create(invariant, $"import_fresh_ms={Median(fresh):F0} import_warm_ms={Median(warm):F0} fresh_process_to_imported_ms={Median(freshTotal):F0} empty_module_fresh_ms={Median(empty):F0}"));
return 0;

static (List<double> Import, List<double> SinceProcessStart) MeasureFresh(string manifest, int runs)
{
    var import = new List<double>();
    var sinceStart = new List<double>();
    for (var i = 0; i < runs; i++)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet") start.ArgumentList.Add(typeof(Program).Assembly.Location);
        start.ArgumentList.Add("--child");
        start.ArgumentList.Add(manifest);
        using var child = Process.Start(start)!;
        var line = child.StandardOutput.ReadToEnd().Trim();
        child.WaitForExit();
        if (child.ExitCode != 0) throw new InvalidOperationException($"The child process failed ({child.ExitCode}): {line}");
        var parts = line.Split(' ');
        import.Add(double.Parse(parts[0], CultureInfo.InvariantCulture));
        sinceStart.Add(double.Parse(parts[1], CultureInfo.InvariantCulture));
    }
    return (import, sinceStart);
}

static Runspace OpenRunspace()
{
    var runspace = RunspaceFactory.CreateRunspace(InitialSessionState.CreateDefault2());
    runspace.Open();
    return runspace;
}

static double TimeImport(Runspace runspace, string manifest)
{
    using var shell = PowerShell.Create();
    shell.Runspace = runspace;
    shell.AddCommand("Import-Module").AddParameter("Name", manifest).AddParameter("ErrorAction", "Stop");
    var watch = Stopwatch.StartNew();
    shell.Invoke();
    watch.Stop();
    if (shell.HadErrors) throw new InvalidOperationException($"Import-Module failed: {shell.Streams.Error[0]}");
    return watch.Elapsed.TotalMilliseconds;
}

static double Median(List<double> values)
{
    var sorted = values.Order().ToList();
    return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
}

static string Summary(List<double> values) =>
    string.Create(CultureInfo.InvariantCulture, $"median {Median(values):F0} ms (min {values.Min():F0}, max {values.Max():F0})");
