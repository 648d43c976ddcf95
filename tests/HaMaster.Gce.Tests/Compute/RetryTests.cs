using System.Net;
using HaMaster.Gce.Compute;
using Xunit;

namespace HaMaster.Gce.Tests.Compute;

/// <summary>Back-off retries: what is retried, what is not, and that a retried mutation keeps its requestId.</summary>
public sealed class RetryTests
{
    private static readonly Address NewAddress = new() { Name = "demo-master-ip", AddressType = "EXTERNAL" };

    [Theory]
    [InlineData(503, null)]
    [InlineData(429, null)]
    [InlineData(403, ComputeApiException.ReasonRateLimitExceeded)]
    [InlineData(403, ComputeApiException.ReasonUserRateLimitExceeded)]
    public async Task A_mutation_is_retried_with_the_same_request_id(int status, string? reason)
    {
        var delays = new List<TimeSpan>();
        var stub = StubHandler.Sequence(
            () => StubCompute.Json(status, StubCompute.Error(status, reason ?? "backendError", "slow down", "usageLimits")),
            () => StubCompute.Json(status, StubCompute.Error(status, reason ?? "backendError", "slow down", "usageLimits")),
            () => StubCompute.Json(200, StubCompute.Operation("op-1", "RUNNING", "regions/us-central1")));
        using var service = StubCompute.Service(stub, StubCompute.FastRetry(delays));

        var request = service.Addresses.Insert("p", "us-central1", NewAddress);
        var operation = await request.ExecuteAsync();

        Assert.Equal("op-1", operation.Name);
        var sent = stub.Requests;
        Assert.Equal(3, sent.Count);
        Assert.All(sent, r => Assert.Equal(request.RequestId, r.Query("requestId")));
        Assert.All(sent, r => Assert.Equal(sent[0].Body, r.Body));
        Assert.Equal(2, delays.Count);
    }

    [Fact]
    public async Task A_get_is_retried_on_503()
    {
        var stub = StubHandler.Sequence(
            () => StubCompute.Json(503, StubCompute.Error(503, "backendError", "unavailable")),
            () => StubCompute.Json(200, """{"name":"demo-master-ip","address":"203.0.113.7","status":"RESERVED"}"""));
        using var service = StubCompute.Service(stub);

        var address = await service.Addresses.Get("p", "us-central1", "demo-master-ip").ExecuteAsync();

        Assert.Equal("203.0.113.7", address.IPAddress);
        Assert.Equal(2, stub.Requests.Count);
    }

    [Fact]
    public async Task A_quota_exceeded_403_is_not_retried()
    {
        var stub = StubHandler.Sequence(() => StubCompute.Json(403,
            StubCompute.Error(403, "quotaExceeded", "Quota 'STATIC_ADDRESSES' exceeded. Limit: 1.0 in region us-central1.")));
        using var service = StubCompute.Service(stub);

        var error = await Assert.ThrowsAsync<ComputeApiException>(
            () => service.Addresses.Insert("p", "us-central1", NewAddress).ExecuteAsync());

        Assert.Single(stub.Requests);
        Assert.True(error.IsQuotaExceeded);
        Assert.False(error.IsRateLimited);
        Assert.Equal(HttpStatusCode.Forbidden, error.StatusCode);
        Assert.Contains("STATIC_ADDRESSES", error.Message);
    }

    [Theory]
    [InlineData(403, "forbidden")]
    [InlineData(400, "resourceInUseByAnotherResource")]
    [InlineData(404, "notFound")]
    [InlineData(409, "alreadyExists")]
    [InlineData(500, "backendError")]
    public async Task Other_errors_are_not_retried(int status, string reason)
    {
        var stub = StubHandler.Sequence(() => StubCompute.Json(status, StubCompute.Error(status, reason, "no")));
        using var service = StubCompute.Service(stub);

        var error = await Assert.ThrowsAsync<ComputeApiException>(
            () => service.TargetPools.Delete("p", "us-central1", "demo-master").ExecuteAsync());

        Assert.Single(stub.Requests);
        Assert.Equal(reason, error.Reason);
        Assert.Equal(status == 400, error.IsResourceInUse);
        Assert.Equal(status == 404, error.IsNotFound);
        Assert.Equal(status == 409, error.IsAlreadyExists);
    }

    [Fact]
    public async Task Retries_stop_after_the_policys_attempts()
    {
        var stub = StubHandler.Sequence(() => StubCompute.Json(503, StubCompute.Error(503, "backendError", "down")));
        using var service = StubCompute.Service(stub, StubCompute.FastRetry(maxAttempts: 3));

        var error = await Assert.ThrowsAsync<ComputeApiException>(
            () => service.Instances.Get("p", "us-central1-a", "demo-master").ExecuteAsync());

        Assert.Equal(3, stub.Requests.Count);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, error.StatusCode);
    }

    [Fact]
    public async Task Read_only_posts_are_retried_and_carry_no_request_id()
    {
        var stub = StubHandler.Sequence(
            () => StubCompute.Json(503, StubCompute.Error(503, "backendError", "down")),
            () => StubCompute.Json(200, """{"kind":"compute#targetPoolInstanceHealth","healthStatus":[{"healthState":"HEALTHY"}]}"""));
        using var service = StubCompute.Service(stub);

        var health = await service.TargetPools.GetHealth("p", "us-central1", "demo-master",
            ComputeLinks.Instance("p", "us-central1-a", "demo-master")).ExecuteAsync();

        Assert.Equal(HealthStatus.Healthy, health.HealthStatus![0].HealthState);
        Assert.Equal(2, stub.Requests.Count);
        Assert.All(stub.Requests, r => Assert.Null(r.Query("requestId")));
    }

    [Fact]
    public void A_post_without_request_id_is_not_safe_to_repeat()
    {
        var base_ = "https://compute.test/compute/v1/projects/p/zones/z/instances/i/stop";
        Assert.False(ComputeRetryHandler.IsSafeToRepeat(new HttpRequestMessage(HttpMethod.Post, base_)));
        Assert.False(ComputeRetryHandler.IsSafeToRepeat(new HttpRequestMessage(HttpMethod.Post, base_ + "?requestId=")));
        Assert.False(ComputeRetryHandler.IsSafeToRepeat(new HttpRequestMessage(HttpMethod.Delete, base_ + "?xrequestId=1")));
        Assert.True(ComputeRetryHandler.IsSafeToRepeat(new HttpRequestMessage(HttpMethod.Post, base_ + "?requestId=4f2b")));
        Assert.True(ComputeRetryHandler.IsSafeToRepeat(new HttpRequestMessage(HttpMethod.Delete, base_ + "?a=1&requestId=4f2b")));
        Assert.True(ComputeRetryHandler.IsSafeToRepeat(new HttpRequestMessage(HttpMethod.Get, base_)));
    }

    [Fact]
    public async Task A_mutation_whose_request_id_was_removed_is_not_retried()
    {
        var stub = StubHandler.Sequence(() => StubCompute.Json(503, StubCompute.Error(503, "backendError", "down")));
        using var service = StubCompute.Service(stub);
        var request = service.Instances.Stop("p", "us-central1-a", "demo-master");
        request.RequestId = null!;

        await Assert.ThrowsAsync<ComputeApiException>(() => request.ExecuteAsync());

        Assert.Single(stub.Requests);
    }

    [Fact]
    public void Back_off_grows_exponentially_with_jitter_and_stops_at_the_cap()
    {
        var low = new ComputeRetryPolicy { InitialDelay = TimeSpan.FromSeconds(1), MaxDelay = TimeSpan.FromSeconds(8), Random = () => 0 };
        var high = new ComputeRetryPolicy { InitialDelay = TimeSpan.FromSeconds(1), MaxDelay = TimeSpan.FromSeconds(8), Random = () => 0.999999 };

        Assert.Equal([0.5, 1, 2, 4, 4, 4], Enumerable.Range(1, 6).Select(n => low.DelayFor(n).TotalSeconds));
        Assert.Equal([1, 2, 4, 8, 8], Enumerable.Range(1, 5).Select(n => Math.Round(high.DelayFor(n).TotalSeconds, 3)));
        Assert.Equal(5, low.DelayFor(1, retryAfter: TimeSpan.FromSeconds(5)).TotalSeconds);
        Assert.Equal(8, low.DelayFor(1, retryAfter: TimeSpan.FromSeconds(60)).TotalSeconds);
    }

    [Fact]
    public async Task Retry_after_lengthens_the_delay()
    {
        var delays = new List<TimeSpan>();
        var stub = StubHandler.Sequence(
            () => StubCompute.Json(429, StubCompute.Error(429, "rateLimitExceeded", "slow"), retryAfter: TimeSpan.FromMilliseconds(300)),
            () => StubCompute.Json(200, """{"name":"z"}"""));
        using var service = StubCompute.Service(stub, StubCompute.FastRetry(delays));

        await service.Zones.Get("p", "z").ExecuteAsync();

        Assert.Equal(TimeSpan.FromMilliseconds(300), Assert.Single(delays));
    }

    [Fact]
    public void The_policy_refuses_impossible_settings()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ComputeService(new ComputeServiceOptions
        {
            Endpoint = StubCompute.Endpoint,
            Retry = new ComputeRetryPolicy { MaxAttempts = 21 },
        }));
    }

    [Fact]
    public async Task A_reset_connection_is_retried_for_a_mutation_with_the_same_request_id()
    {
        var stub = new StubHandler((_, n) => n == 0
            ? throw new HttpRequestException("Connection reset by peer")
            : StubCompute.Json(200, StubCompute.Operation("op", "RUNNING")));
        using var service = StubCompute.Service(stub);
        var request = service.Instances.Delete("p", "us-central1-a", "demo-master-1a2");

        await request.ExecuteAsync();

        Assert.Equal(2, stub.Requests.Count);
        Assert.All(stub.Requests, r => Assert.Equal(request.RequestId, r.Query("requestId")));
    }

    [Fact]
    public async Task A_reset_connection_is_not_retried_for_an_unsafe_post()
    {
        var stub = new StubHandler((_, _) => throw new HttpRequestException("Connection reset by peer"));
        using var service = StubCompute.Service(stub);
        var request = service.Instances.Stop("p", "z-a", "i");
        request.RequestId = null!;

        await Assert.ThrowsAsync<HttpRequestException>(() => request.ExecuteAsync());
        Assert.Single(stub.Requests);
    }

    [Fact]
    public async Task A_non_json_error_body_still_gives_a_ComputeApiException()
    {
        var stub = StubHandler.Sequence(() => new HttpResponseMessage(HttpStatusCode.BadGateway)
        {
            Content = new StringContent("<html>bad gateway</html>", System.Text.Encoding.UTF8, "text/html"),
        });
        using var service = StubCompute.Service(stub);

        var error = await Assert.ThrowsAsync<ComputeApiException>(() => service.Zones.Get("p", "z").ExecuteAsync());

        Assert.Equal(HttpStatusCode.BadGateway, error.StatusCode);
        Assert.Null(error.Reason);
        Assert.Single(stub.Requests);
        Assert.Contains("HTTP 502", error.Message);
    }
}
