using System.Text.Json.Nodes;

namespace HaMaster.Bench;

/// <summary>A fault drill's runs, summarised as figures (median, min and max over the runs that measured them) for latest.json and the table.</summary>
public sealed class DrillResult(string key, string label, string command, IReadOnlyList<DrillRun> runs)
{
    public string Key { get; } = key;
    public string Label { get; } = label;
    public string Command { get; } = command;
    public IReadOnlyList<DrillRun> Runs { get; } = runs;

    public int Passed => Runs.Count(r => r.Passed);
    public bool Outcome => Runs.Count > 0 && Passed == Runs.Count;

    public Dictionary<string, Figure> Figures() => new()
    {
        ["reportedMs"] = Of(r => r.ReportedMs, "ms"),
        ["commandMs"] = Of(r => r.CommandMs, "ms"),
        ["healthyAgainMs"] = Of(r => r.HealthyAgainMs, "ms"),
        ["faultToHealthyMs"] = Of(r => r.FaultToHealthyMs, "ms"),
        ["probesSent"] = Of(r => r.Client?.ProbesSent, "probes"),
        ["failedProbes"] = Of(r => r.Client?.FailedProbes, "probes"),
        ["longestGapMs"] = Of(r => r.Client?.LongestGapMs, "ms"),
        ["writesAttempted"] = Of(r => r.Client?.WritesAttempted, "writes"),
        ["failedWrites"] = Of(r => r.Client?.FailedWrites, "writes"),
        ["maxWriteLatencyMs"] = Of(r => r.Client?.MaxWriteLatencyMs, "ms"),
        ["writesAcknowledged"] = Of(r => r.WritesAcknowledged, "writes"),
        ["acknowledgedWritesLost"] = new(Runs.Where(r => r.WritesLost is not null).Select(r => (double)r.WritesLost!.Value), "writes", Target.EveryRun(0)),
    };

    public JsonObject ToJson()
    {
        var item = new JsonObject
        {
            ["fault"] = Label,
            ["command"] = Command,
            ["runs"] = Runs.Count,
            ["passed"] = Passed,
            ["outcome"] = Outcome ? "pass" : "fail",
            ["shownAs"] = Runs.Select(r => r.Shown).FirstOrDefault(s => s is not null),
        };
        foreach (var (name, figure) in Figures()) item[name] = figure.ToJson();
        var probeErrors = new JsonObject();
        foreach (var e in Runs.Where(r => r.Client is not null).SelectMany(r => r.Client!.ProbeErrors).GroupBy(e => e.Key)) probeErrors[e.Key] = e.Sum(x => x.Value);
        var writeErrors = new JsonObject();
        foreach (var e in Runs.Where(r => r.Client is not null).SelectMany(r => r.Client!.WriteErrors).GroupBy(e => e.Key)) writeErrors[e.Key] = e.Sum(x => x.Value);
        var steps = StepBreakdown.Of(Runs.Where(r => r.CommandSteps is not null).Select(r => r.CommandSteps!).ToList());
        item["commandStepsMedianMs"] = new JsonArray(steps.Select(s => (JsonNode)new JsonObject { ["step"] = s.Step, ["medianMs"] = Math.Round(s.MedianMs, 1) }).ToArray());
        item["probeErrors"] = probeErrors;
        item["writeErrors"] = writeErrors;
        var failures = Runs.Where(r => r.Failure is not null).Select(r => (JsonNode)JsonValue.Create(r.Failure)!).ToArray();
        if (failures.Length > 0) item["failures"] = new JsonArray(failures);
        return item;
    }

    /// <summary>The drill's row of the Markdown table (see <see cref="Results.Table"/>).</summary>
    public string Row()
    {
        var figures = Figures();
        var outcome = Outcome ? "pass" : "**fail**";
        return $"| {Label} | `{Command.Replace("|", "\\|", StringComparison.Ordinal)}` | {Passed}/{Runs.Count} | {figures["reportedMs"].Cell()} | {figures["healthyAgainMs"].Cell()} | {figures["failedProbes"].Cell()} | {figures["longestGapMs"].Cell()} | {figures["failedWrites"].Cell()} | {figures["acknowledgedWritesLost"].Cell()} | {outcome} |";
    }

    private Figure Of(Func<DrillRun, double?> value, string unit) =>
        new(Runs.Select(value).Where(v => v is not null).Select(v => v!.Value), unit);
}
