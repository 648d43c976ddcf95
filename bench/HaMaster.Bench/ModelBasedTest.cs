using System.Text.Json.Nodes;

namespace HaMaster.Bench;

/// <summary>
/// The fifth drill, the model-based test, is not run by the benchmark: it is an xunit test of
/// tests/HaMaster.Tests (scripts/test.sh runs it). The drills table and latest.json say so.
/// </summary>
public static class ModelBasedTest
{
    public const int Sequences = 100;

    public static string Row =>
        $"| model-based: {Sequences} seeded random sequences | runs in the test suite (tests/HaMaster.Tests) | | | | | | | | |";

    public static JsonObject ToJson() => new()
    {
        ["runsIn"] = "the test suite (tests/HaMaster.Tests, run by scripts/test.sh), not the benchmark",
        ["sequences"] = Sequences,
    };
}
