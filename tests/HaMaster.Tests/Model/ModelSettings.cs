using System.Globalization;

namespace HaMaster.Tests.Model;

/// <summary>
/// Which sequences the model-based test runs, and how many at once. By default the seeds 1 to 100
/// on three lanes; <c>HAMASTER_MODEL_SEED=42</c> replays the one sequence of seed 42,
/// <c>HAMASTER_MODEL_SEEDS=1000-1499</c> explores others, <c>HAMASTER_MODEL_LANES</c> sets how many run at once.
/// </summary>
public static class ModelSettings
{
    public const string SeedVariable = "HAMASTER_MODEL_SEED";
    public const string SeedsVariable = "HAMASTER_MODEL_SEEDS";
    public const string LanesVariable = "HAMASTER_MODEL_LANES";

    public static IReadOnlyList<int> Seeds()
    {
        if (Environment.GetEnvironmentVariable(SeedVariable) is { Length: > 0 } one)
            return [int.Parse(one, CultureInfo.InvariantCulture)];
        if (Environment.GetEnvironmentVariable(SeedsVariable) is { Length: > 0 } range)
        {
            var bounds = range.Split('-', 2);
            var first = int.Parse(bounds[0], CultureInfo.InvariantCulture);
            var last = int.Parse(bounds[1], CultureInfo.InvariantCulture);
            return Enumerable.Range(first, last - first + 1).ToList();
        }
        return Enumerable.Range(1, 100).ToList();
    }

    public static int Lanes() =>
        Environment.GetEnvironmentVariable(LanesVariable) is { Length: > 0 } lanes ? int.Parse(lanes, CultureInfo.InvariantCulture) : 3;

    public static string ReplayHint(int seed) =>
        $"{SeedVariable}={seed} dotnet test tests/HaMaster.Tests -c Release --filter FullyQualifiedName~{nameof(ModelBasedTests)}";
}
