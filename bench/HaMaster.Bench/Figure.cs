using System.Globalization;
using System.Text.Json.Nodes;

namespace HaMaster.Bench;

/// <summary>
/// A target: the figure's <see cref="Statistic"/> ("median", or "max" when every run must meet it)
/// is at most <see cref="Limit"/>.
/// </summary>
public sealed record Target(double Limit, string Statistic = "median")
{
    public static Target Median(double limit) => new(limit, "median");
    public static Target EveryRun(double limit) => new(limit, "max");
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Statistic} <= {Limit:0.###}");
}

/// <summary>One measured figure: every run, their median, min and max, the unit and the target.</summary>
public sealed class Figure
{
    public Figure(IEnumerable<double> runs, string unit, Target? target = null)
    {
        Runs = runs.ToList();
        Unit = unit;
        Target = target;
    }

    public List<double> Runs { get; }
    public string Unit { get; }
    public Target? Target { get; }
    public double? Median => Runs.Count == 0 ? null : MedianOf(Runs);
    public double? Min => Runs.Count == 0 ? null : Runs.Min();
    public double? Max => Runs.Count == 0 ? null : Runs.Max();

    public bool? Met => Target is null || Runs.Count == 0 ? null
        : (Target.Statistic == "max" ? Max!.Value : Median!.Value) <= Target.Limit;

    public static double MedianOf(IReadOnlyCollection<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    public JsonObject ToJson() => new()
    {
        ["median"] = Round(Median),
        ["min"] = Round(Min),
        ["max"] = Round(Max),
        ["runs"] = new JsonArray(Runs.Select(r => (JsonNode?)JsonValue.Create(Round(r))).ToArray()),
        ["unit"] = Unit,
        ["target"] = Target?.ToString(),
        ["met"] = Met,
    };

    /// <summary>"median (min–max)" for the table.</summary>
    public string Cell(string format = "0") => Runs.Count == 0 ? "n/a"
        : Runs.Count == 1 ? Median!.Value.ToString(format, CultureInfo.InvariantCulture)
        : string.Create(CultureInfo.InvariantCulture, $"{Median!.Value.ToString(format, CultureInfo.InvariantCulture)} ({Min!.Value.ToString(format, CultureInfo.InvariantCulture)}–{Max!.Value.ToString(format, CultureInfo.InvariantCulture)})");

    public string MetCell => Met switch { true => "yes", false => "**no**", null => "" };

    private static double? Round(double? value) => value is null ? null : Math.Round(value.Value, 1);
}
