namespace HaMaster.Tests;

public static class Eventually
{
    public static void True(Func<bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"Timed out after {timeout.TotalSeconds} s waiting for: {what}");
            Thread.Sleep(50);
        }
    }
}
