using System.Diagnostics;
using HaMaster.TestSupport;
using Xunit;
using Xunit.Sdk;

namespace HaMaster.Engine.Tests.Support;

/// <summary>The shared condition waiter: what it reports, and which exceptions end a wait.</summary>
public sealed class EventuallyTests
{
    private static readonly TimeSpan Short = TimeSpan.FromMilliseconds(300);

    [Fact]
    public async Task A_wait_ends_as_soon_as_the_condition_holds()
    {
        var calls = 0;
        await Eventually.HoldsAsync("the third call", () => ++calls == 3, TimeSpan.FromSeconds(10));
        Assert.Equal(3, calls);
    }

    [Fact]
    public async Task A_timed_out_wait_names_what_was_awaited_and_the_last_observation()
    {
        var calls = 0;
        var failure = await Assert.ThrowsAnyAsync<XunitException>(() =>
            Eventually.HoldsAsync("the answer", () => Task.FromResult((false, $"call {++calls}")), Short));

        Assert.StartsWith("Not within 0.3 s: the answer. Last observed: call ", failure.Message);
        Assert.EndsWith($"call {calls}", failure.Message);
    }

    [Fact]
    public async Task An_exception_is_an_observation_and_the_wait_goes_on()
    {
        var calls = 0;
        await Eventually.HoldsAsync("a server that refuses twice", () =>
            ++calls < 3 ? throw new IOException("refused") : Task.FromResult(true), TimeSpan.FromSeconds(10));
        Assert.Equal(3, calls);

        Func<Task<bool>> refuse = () => throw new IOException("refused");
        var failure = await Assert.ThrowsAnyAsync<XunitException>(() => Eventually.HoldsAsync("a server that always refuses", refuse, Short));
        Assert.EndsWith("Last observed: IOException: refused", failure.Message);
    }

    [Fact]
    public async Task An_assertion_in_the_condition_ends_the_wait_at_once()
    {
        var calls = 0;
        var clock = Stopwatch.StartNew();
        var failure = await Assert.ThrowsAnyAsync<XunitException>(() =>
            Eventually.HoldsAsync("a process that has exited", () =>
            {
                calls++;
                Assert.Fail("the process exited with 1");
                return true;
            }, TimeSpan.FromSeconds(30)));

        Assert.Equal("the process exited with 1", failure.Message);
        Assert.Equal(1, calls);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
    }

    [Fact]
    public void The_synchronous_wait_behaves_alike()
    {
        var calls = 0;
        Eventually.Holds("the second call", () => ++calls == 2, TimeSpan.FromSeconds(10));
        Assert.Equal(2, calls);

        var failure = Assert.ThrowsAny<XunitException>(() => Eventually.Holds("never", () => (false, "still false"), Short));
        Assert.Equal("Not within 0.3 s: never. Last observed: still false", failure.Message);
        Assert.Throws<FailException>(() => Eventually.Holds("never", () => { Assert.Fail("gave up"); return false; }, TimeSpan.FromSeconds(30)));
    }
}
