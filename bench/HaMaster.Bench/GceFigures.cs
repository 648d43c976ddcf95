using System.Text;
using System.Text.Json.Nodes;

namespace HaMaster.Bench;

/// <summary>One step of figure g: its wall time and sequential operation waits over the runs, and kube-up's waits for the same step.</summary>
public sealed record GceStep(string Step, Figure WallSeconds, Figure SequentialWaits, int KubeUpSequentialWaits);

/// <summary>
/// Figure g: the Gce provider against the Compute stand-in, from the JSON bench/GceWaits wrote
/// (bench/gce-waits.sh runs it; bench/run.sh through it). Target per step: HaMaster's sequential
/// operation waits at most half of kube-up's.
/// </summary>
public sealed class GceFigures
{
    private GceFigures(double operationLatencySeconds, List<GceStep> steps)
    {
        OperationLatencySeconds = operationLatencySeconds;
        Steps = steps;
    }

    public double OperationLatencySeconds { get; }
    public List<GceStep> Steps { get; }

    public static GceFigures Load(string file)
    {
        var root = JsonNode.Parse(File.ReadAllText(file))!.AsObject();
        var steps = root["steps"]!.AsArray().Select(node =>
        {
            var step = node!.AsObject();
            var kubeUp = step["kubeUpSequentialWaits"]!.GetValue<int>();
            List<double> Runs(string name) => step[name]!.AsArray().Select(v => v!.GetValue<double>()).ToList();
            return new GceStep(step["step"]!.GetValue<string>(), new Figure(Runs("wallSeconds"), "s"),
                new Figure(Runs("sequentialWaits"), "waits", Target.Median(kubeUp / 2.0)), kubeUp);
        }).ToList();
        return new GceFigures(root["operationLatencySeconds"]!.GetValue<double>(), steps);
    }

    public JsonObject ToJson()
    {
        var steps = new JsonObject();
        foreach (var step in Steps)
            steps[step.Step] = new JsonObject
            {
                ["wallSeconds"] = step.WallSeconds.ToJson(),
                ["sequentialWaits"] = step.SequentialWaits.ToJson(),
                ["kubeUpSequentialWaits"] = step.KubeUpSequentialWaits,
            };
        return new JsonObject
        {
            ["definitions"] = new JsonObject
            {
                ["setup"] = $"the Gce provider through the engine against the Compute stand-in, every operation taking {OperationLatencySeconds:0.#} s; its VMs run real etcd members and API endpoints",
                ["sequentialWaits"] = "operation waits that follow one another (waits that overlap count once)",
                ["kubeUpSequentialWaits"] = "kube-up's gcloud sequence for the same step (every gcloud command waits for its operation)",
                ["target"] = "HaMaster's sequential waits at most half of kube-up's",
            },
            ["operationLatencySeconds"] = OperationLatencySeconds,
            ["steps"] = steps,
        };
    }

    public string Table()
    {
        var text = new StringBuilder();
        text.AppendLine($"g. The Gce provider against the Compute stand-in ({OperationLatencySeconds:0.#} s per operation): median (min–max) over the runs");
        text.AppendLine();
        text.AppendLine("| step | wall s | HaMaster sequential waits | kube-up's | target | met |");
        text.AppendLine("|---|---|---|---|---|---|");
        foreach (var step in Steps)
            text.AppendLine($"| {step.Step} | {step.WallSeconds.Cell("0.0")} | {step.SequentialWaits.Cell()} | {step.KubeUpSequentialWaits} | {step.SequentialWaits.Target} | {step.SequentialWaits.MetCell} |");
        return text.ToString();
    }
}
