using System.Globalization;

namespace HaMaster.Bench;

/// <summary>Command-line options of the benchmark (see bench/run.sh and bench/README.md).</summary>
public sealed class Options
{
    public static readonly string[] AllScenarios = ["create", "scale", "repair", "availability", "drills", "backup", "restore", "credentials", "maintenance", "rollout", "list", "import", "gce"];

    public int Runs { get; private set; } = 5;
    public HashSet<string> Scenarios { get; private set; } = new(AllScenarios);
    public string Output { get; private set; } = Path.Combine("bench", "results", "latest.json");
    /// <summary>The JSON that bench/ImportTime wrote (--json); without it the import figures are skipped.</summary>
    public string? ImportResults { get; private set; }
    /// <summary>The JSON that bench/GceWaits wrote (figure g); without it the gce figures are skipped.</summary>
    public string? GceResults { get; private set; }
    /// <summary>Cadence of the availability client's probes and of its writes.</summary>
    public TimeSpan Interval { get; private set; } = TimeSpan.FromMilliseconds(20);
    /// <summary>A probe that has not answered 200 by then has failed.</summary>
    public TimeSpan ProbeDeadline { get; private set; } = TimeSpan.FromMilliseconds(1000);
    /// <summary>A write that no member acknowledged by then (counted from its slot) has failed.</summary>
    public TimeSpan WriteDeadline { get; private set; } = TimeSpan.FromMilliseconds(1000);
    /// <summary>A write attempt that has not answered by then gets company: the next member is tried too.</summary>
    public TimeSpan Hedge { get; private set; } = TimeSpan.FromMilliseconds(100);
    /// <summary>How long the client is watched after a crash.</summary>
    public TimeSpan CrashWindow { get; private set; } = TimeSpan.FromMilliseconds(4000);
    /// <summary>How long a command's window goes on after the command returned.</summary>
    public TimeSpan Tail { get; private set; } = TimeSpan.FromMilliseconds(1000);
    /// <summary>Where to keep each availability cycle's client log and event windows (for diagnosis); none by default.</summary>
    public string? KeepClientLogs { get; private set; }

    public static Options Parse(IReadOnlyList<string> args)
    {
        var options = new Options();
        for (var i = 0; i < args.Count; i++)
        {
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            switch (args[i])
            {
                case "--runs":
                    options.Runs = int.Parse(Value(), CultureInfo.InvariantCulture);
                    if (options.Runs < 1) throw new ArgumentException("--runs must be at least 1.");
                    break;
                case "--scenarios":
                    var names = Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet();
                    if (names.Contains("all")) names = new HashSet<string>(AllScenarios);
                    var unknown = names.Except(AllScenarios).ToList();
                    if (unknown.Count > 0) throw new ArgumentException($"Unknown scenario(s): {string.Join(", ", unknown)}. Known: {string.Join(", ", AllScenarios)}.");
                    options.Scenarios = names;
                    break;
                case "--output": options.Output = Value(); break;
                case "--import-results": options.ImportResults = Value(); break;
                case "--gce-results": options.GceResults = Value(); break;
                case "--interval-ms": options.Interval = Milliseconds(Value()); break;
                case "--probe-deadline-ms": options.ProbeDeadline = Milliseconds(Value()); break;
                case "--write-deadline-ms": options.WriteDeadline = Milliseconds(Value()); break;
                case "--hedge-ms": options.Hedge = Milliseconds(Value()); break;
                case "--crash-window-ms": options.CrashWindow = Milliseconds(Value()); break;
                case "--tail-ms": options.Tail = Milliseconds(Value()); break;
                case "--keep-client-logs": options.KeepClientLogs = Value(); break;
                default: throw new ArgumentException($"Unknown option {args[i]}.");
            }
        }
        return options;
    }

    public const string Usage =
        "usage: HaMaster.Bench [--runs N] [--scenarios create,scale,repair,availability,drills,list,import,gce] [--output FILE]\n" +
        "                      [--import-results FILE] [--gce-results FILE] [--interval-ms 20] [--probe-deadline-ms 1000] [--write-deadline-ms 1000]\n" +
        "                      [--hedge-ms 100] [--crash-window-ms 4000] [--tail-ms 1000] [--keep-client-logs FOLDER]";

    private static TimeSpan Milliseconds(string value) => TimeSpan.FromMilliseconds(int.Parse(value, CultureInfo.InvariantCulture));
}
