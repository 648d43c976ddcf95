using System.Management.Automation;
using HaMaster.Engine.State;

namespace HaMaster.Completion;

/// <summary>
/// What the completers read: the session's clusters straight from the state folder (no health
/// probe, so completion stays instant), and how they turn names into completion results.
/// </summary>
internal static class CompletionSource
{
    public static ClusterStore Store() => new(StateDirectory.Resolve(HaCmdlet.HomeOverride(SessionHome())));

    /// <summary>$HaMasterHome of the session asking (a nested pipeline: the completion's own pipeline is running).</summary>
    private static object? SessionHome()
    {
        using var shell = PowerShell.Create(RunspaceMode.CurrentRunspace);
        shell.AddScript($"${HaCmdlet.HomeVariable}");
        try
        {
            return shell.Invoke().FirstOrDefault();
        }
        catch (RuntimeException)
        {
            return null; // unset under Set-StrictMode
        }
    }

    public static string? Bound(System.Collections.IDictionary fakeBoundParameters, string name) =>
        fakeBoundParameters.Contains(name) ? (fakeBoundParameters[name] as PSObject)?.BaseObject as string ?? fakeBoundParameters[name] as string : null;

    public static IEnumerable<CompletionResult> Matching(IEnumerable<string> values, string wordToComplete)
    {
        var word = wordToComplete.Trim('\'', '"');
        return values
            .Where(v => v.StartsWith(word, StringComparison.OrdinalIgnoreCase))
            .Distinct()
            .Order(StringComparer.Ordinal)
            .Select(v => new CompletionResult(v, v, CompletionResultType.ParameterValue, v));
    }
}
