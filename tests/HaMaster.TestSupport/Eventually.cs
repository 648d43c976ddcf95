using System.Diagnostics;
using Xunit.Sdk;

namespace HaMaster.TestSupport;

/// <summary>
/// The one way a test waits: polls a condition every 50 ms until it holds or its deadline passes,
/// never a fixed sleep. On time-out it fails the test with what was awaited and the last observation.
/// </summary>
/// <remarks>
/// A condition answers either a bool or <c>(Holds, Observed)</c>, where Observed says what it saw
/// (reported if the wait times out). An exception thrown by the condition is an observation too (a
/// server not listening yet) and the polling goes on, except an assertion failure
/// (<see cref="XunitException"/>, as <c>Assert.*</c> throws): that ends the wait at once, so a
/// condition gives up early with an assertion (say, when the process it waits for has exited).
/// </remarks>
public static class Eventually
{
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    /// <summary>The deadline when a caller gives none.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(15);

    private const string WasFalse = "the condition was false";

    public static Task HoldsAsync(string what, Func<Task<bool>> condition, TimeSpan? timeout = null) =>
        HoldsAsync(what, async () => (await condition(), WasFalse), timeout);

    public static Task HoldsAsync(string what, Func<bool> condition, TimeSpan? timeout = null) =>
        HoldsAsync(what, () => Task.FromResult((condition(), WasFalse)), timeout);

    public static Task HoldsAsync(string what, Func<(bool Holds, string Observed)> condition, TimeSpan? timeout = null) =>
        HoldsAsync(what, () => Task.FromResult(condition()), timeout);

    public static async Task HoldsAsync(string what, Func<Task<(bool Holds, string Observed)>> condition, TimeSpan? timeout = null)
    {
        var limit = timeout ?? DefaultTimeout;
        var clock = Stopwatch.StartNew();
        while (true)
        {
            string observed;
            try
            {
                bool holds;
                (holds, observed) = await condition();
                if (holds) return;
            }
            catch (Exception e) when (e is not XunitException)
            {
                observed = Describe(e);
            }
            if (clock.Elapsed >= limit) throw TimedOut(what, limit, observed);
            await Task.Delay(PollInterval);
        }
    }

    /// <summary>The synchronous wait, for a test that is not async; the condition runs on the calling thread.</summary>
    public static void Holds(string what, Func<bool> condition, TimeSpan? timeout = null) =>
        Holds(what, () => (condition(), WasFalse), timeout);

    public static void Holds(string what, Func<(bool Holds, string Observed)> condition, TimeSpan? timeout = null)
    {
        var limit = timeout ?? DefaultTimeout;
        var clock = Stopwatch.StartNew();
        while (true)
        {
            string observed;
            try
            {
                bool holds;
                (holds, observed) = condition();
                if (holds) return;
            }
            catch (Exception e) when (e is not XunitException)
            {
                observed = Describe(e);
            }
            if (clock.Elapsed >= limit) throw TimedOut(what, limit, observed);
            Thread.Sleep(PollInterval);
        }
    }

    private static string Describe(Exception e) => $"{e.GetType().Name}: {e.Message}";

    private static XunitException TimedOut(string what, TimeSpan timeout, string observed) =>
        new($"Not within {timeout.TotalSeconds:0.#} s: {what}. Last observed: {observed}");
}
