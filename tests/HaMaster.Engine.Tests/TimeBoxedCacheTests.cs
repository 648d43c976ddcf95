using HaMaster.TestSupport;
using Xunit;

namespace HaMaster.Engine.Tests;

public sealed class TimeBoxedCacheTests
{
    [Fact]
    public void A_slow_fetch_is_not_waited_for_and_its_answer_serves_later_calls()
    {
        var cache = new TimeBoxedCache<string[]>(TimeSpan.FromMinutes(10));
        using var release = new ManualResetEventSlim();
        var fetches = 0;
        Task<string[]> Fetch()
        {
            Interlocked.Increment(ref fetches);
            release.Wait();
            return Task.FromResult<string[]>(["europe-west1-b", "europe-west1-c"]);
        }

        Assert.Null(cache.Get("gce/europe-west1", Fetch, TimeSpan.FromMilliseconds(100)));
        Assert.False(release.IsSet, "the call returned while the fetch was still blocked");

        release.Set();
        string[]? zones = null;
        Eventually.Holds("the released fetch's answer is served",
            () => (zones = cache.Get("gce/europe-west1", Fetch, TimeSpan.FromMilliseconds(100))) is not null, TimeSpan.FromSeconds(10));
        Assert.Equal(["europe-west1-b", "europe-west1-c"], zones!);
        Assert.Equal(1, fetches);
    }

    [Fact]
    public void A_failed_fetch_is_tried_again()
    {
        var cache = new TimeBoxedCache<string>(TimeSpan.FromMinutes(10));
        Assert.Null(cache.Get("k", () => Task.FromException<string>(new InvalidOperationException("API down")), TimeSpan.FromSeconds(5)));
        Assert.Equal("up", cache.Get("k", () => Task.FromResult("up"), TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public void A_stale_answer_is_fetched_again()
    {
        var cache = new TimeBoxedCache<string>(TimeSpan.Zero);
        Assert.Equal("first", cache.Get("k", () => Task.FromResult("first"), TimeSpan.FromSeconds(5)));
        Eventually.Holds("the stale answer is replaced",
            () => cache.Get("k", () => Task.FromResult("second"), TimeSpan.FromSeconds(5)) == "second", TimeSpan.FromSeconds(10));
    }
}
