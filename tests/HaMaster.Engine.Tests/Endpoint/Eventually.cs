using Xunit.Sdk;

namespace HaMaster.Engine.Tests.Endpoint;

/// <summary>Polls a condition every 50 ms until it holds or a deadline passes; never a fixed sleep.</summary>
public static class Eventually
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    public static async Task HoldsAsync(string description, Func<Task<bool>> condition, TimeSpan? timeout = null)
    {
        DateTime deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        string lastObservation = "condition was false";
        while (true)
        {
            try
            {
                if (await condition())
                    return;
            }
            catch (Exception e)
            {
                lastObservation = $"{e.GetType().Name}: {e.Message}";
            }
            if (DateTime.UtcNow >= deadline)
                throw new XunitException($"timed out waiting until {description} ({lastObservation})");
            await Task.Delay(PollInterval);
        }
    }

    public static Task HoldsAsync(string description, Func<bool> condition, TimeSpan? timeout = null) =>
        HoldsAsync(description, () => Task.FromResult(condition()), timeout);
}
