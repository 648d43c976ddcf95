using System.Globalization;

namespace HaMaster.Engine.Flows;

/// <summary>
/// Fault drills: <c>HAMASTER_DRILL_PAUSE=&lt;step&gt;:&lt;seconds&gt;</c> holds every flow just before
/// that step (after the journal records it), so an operator or a test can kill the process or race
/// another command at a precise point. When <c>HAMASTER_DRILL_RELEASE</c> names a file, the pause
/// also ends as soon as that file exists. Unset, it does nothing.
/// </summary>
public static class DrillPause
{
    public const string Variable = "HAMASTER_DRILL_PAUSE";
    public const string ReleaseVariable = "HAMASTER_DRILL_RELEASE";

    public static async Task BeforeAsync(string step, IOperationObserver observer, CancellationToken cancellationToken)
    {
        var setting = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrEmpty(setting)) return;
        var parts = setting.Split(':', 2);
        if (parts[0] != step || parts.Length < 2 || !double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)) return;
        observer.Verbose($"{Variable}: pausing {seconds} s before step '{step}'.");
        var releaseFile = Environment.GetEnvironmentVariable(ReleaseVariable);
        await Waiter.UntilAsync(() => Task.FromResult(!string.IsNullOrEmpty(releaseFile) && File.Exists(releaseFile)),
            TimeSpan.FromSeconds(seconds), cancellationToken, TimeSpan.FromMilliseconds(100)).ConfigureAwait(false);
    }
}
