using System.Diagnostics;
using Xunit;

namespace HaMaster.Engine.Tests.LoadBalancer;

internal static class Eventually
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    /// <summary>Polls <paramref name="condition"/> until it holds; fails with <paramref name="what"/> and the last
    /// observation once <paramref name="timeout"/> has passed.</summary>
    public static async Task HoldsAsync(Func<Task<(bool Holds, string Observed)>> condition, TimeSpan timeout, string what)
    {
        var elapsed = Stopwatch.StartNew();
        while (true)
        {
            var (holds, observed) = await condition();
            if (holds) return;
            if (elapsed.Elapsed > timeout)
                Assert.Fail($"Expected within {timeout.TotalSeconds:0} s: {what}. Last observed: {observed}");
            await Task.Delay(PollInterval);
        }
    }
}
