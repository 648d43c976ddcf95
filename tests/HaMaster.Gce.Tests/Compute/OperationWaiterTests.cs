using HaMaster.Gce.Compute;
using Newtonsoft.Json;
using Xunit;

namespace HaMaster.Gce.Tests.Compute;

public sealed class OperationWaiterTests
{
    private static Operation Read(string json) => JsonConvert.DeserializeObject<Operation>(json, ComputeService.JsonSettings())!;

    [Theory]
    [InlineData("zones/us-central1-a", "projects/p/zones/us-central1-a/operations/op-1/wait")]
    [InlineData("regions/us-central1", "projects/p/regions/us-central1/operations/op-1/wait")]
    [InlineData("global", "projects/p/global/operations/op-1/wait")]
    public async Task Wait_is_called_in_the_operations_scope_until_done(string scope, string path)
    {
        var stub = StubHandler.Sequence(
            () => StubCompute.Json(200, StubCompute.Operation("op-1", "RUNNING", scope)),
            () => StubCompute.Json(200, StubCompute.Operation("op-1", "RUNNING", scope)),
            () => StubCompute.Json(200, StubCompute.Operation("op-1", "DONE", scope)));
        using var service = StubCompute.Service(stub);

        var done = await service.WaitAsync(Read(StubCompute.Operation("op-1", "PENDING", scope)));

        Assert.True(done.IsDone);
        Assert.Equal(3, stub.Requests.Count);
        Assert.All(stub.Requests, r =>
        {
            Assert.Equal(HttpMethod.Post, r.Method);
            Assert.Equal("compute.test", r.Uri.Host); // never the selfLink's host
            Assert.Equal(path, r.RelativePath);
        });
        Assert.Equal(1, service.Stats.SequentialWaits);
        Assert.Equal(1, service.Stats.OperationsWaited);
        Assert.Equal(3, service.Stats.WaitCalls);
    }

    [Fact]
    public async Task A_done_operation_with_errors_throws_with_codes_and_http_status()
    {
        var failed = SharedFixtures.ReadLibcloud("zones_us_central1_a_operations_operation_setMachineType_notstopped.json");
        var stub = StubHandler.Sequence(() => StubCompute.Json(200, failed));
        using var service = StubCompute.Service(stub);
        var running = Read(failed);
        running.Status = Operation.StatusRunning;
        running.Error = null;

        var error = await Assert.ThrowsAsync<OperationFailedException>(() => service.WaitAsync(running));

        Assert.Equal("RESOURCE_NOT_READY", error.Code);
        Assert.Equal("The resource 'projects/project_name/zones/us-central1-a/instances/node-name' is not ready", Assert.Single(error.Errors).Message);
        Assert.Equal(400, error.HttpErrorStatusCode);
        Assert.Equal("BAD REQUEST", error.HttpErrorMessage);
        Assert.Contains("RESOURCE_NOT_READY", error.Message);
        Assert.Contains("HTTP 400", error.Message);
        Assert.Equal("projects/project_name/zones/us-central1-a/operations/operation-setMachineType-notstopped/wait",
            stub.Requests.Single().RelativePath);
    }

    [Fact]
    public async Task An_operation_already_done_is_not_waited_on_but_its_errors_still_throw()
    {
        var stub = StubHandler.Sequence(() => throw new InvalidOperationException("no request expected"));
        using var service = StubCompute.Service(stub);

        var done = await service.WaitAsync(Read(StubCompute.Operation("op", "DONE")));
        Assert.True(done.IsDone);
        var failed = Read(StubCompute.Operation("op", "DONE"));
        failed.Error = new OperationError { Errors = [new OperationErrorDetail { Code = "QUOTA_EXCEEDED", Message = "Quota 'CPUS' exceeded." }] };
        failed.HttpErrorStatusCode = 403;
        var error = await Assert.ThrowsAsync<OperationFailedException>(() => service.WaitAsync(failed));
        Assert.True(error.IsQuotaExceeded);
        Assert.Empty(stub.Requests);
    }

    [Fact]
    public async Task Cancellation_stops_the_loop()
    {
        using var cancel = new CancellationTokenSource();
        var stub = new StubHandler((_, n) =>
        {
            if (n == 1) cancel.Cancel();
            return StubCompute.Json(200, StubCompute.Operation("op", "RUNNING"));
        });
        using var service = StubCompute.Service(stub);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => service.WaitAsync(Read(StubCompute.Operation("op", "RUNNING")), cancel.Token));
        Assert.InRange(stub.Requests.Count, 1, 2);
    }

    [Fact]
    public async Task An_unknown_operation_is_a_not_found_api_error()
    {
        var stub = StubHandler.Sequence(() => StubCompute.Json(404,
            StubCompute.Error(404, "notFound", "The resource 'projects/p/zones/us-central1-a/operations/op' was not found")));
        using var service = StubCompute.Service(stub);

        var error = await Assert.ThrowsAsync<ComputeApiException>(() => service.WaitAsync(Read(StubCompute.Operation("op", "RUNNING"))));
        Assert.True(error.IsNotFound);
        Assert.Equal("compute.zoneOperations.wait", error.Method);
    }

    [Fact]
    public async Task Waits_that_overlap_count_as_one_sequential_wait()
    {
        var stub = new StubHandler((request, _) =>
            StubCompute.Json(200, StubCompute.Operation(request.RelativePath.Split('/')[^2], "DONE")));
        using var service = StubCompute.Service(stub);
        var ops = new[] { "op-a", "op-b", "op-c" }.Select(n => Read(StubCompute.Operation(n, "RUNNING"))).ToList();

        await service.WaitAllAsync(ops);
        Assert.Equal(1, service.Stats.SequentialWaits);
        Assert.Equal(3, service.Stats.OperationsWaited);
        Assert.Equal(3, service.Stats.WaitCalls);

        await service.WaitAsync(Read(StubCompute.Operation("op-d", "RUNNING")));
        await service.WaitAsync(Read(StubCompute.Operation("op-e", "RUNNING")));
        Assert.Equal(3, service.Stats.SequentialWaits);
        Assert.Equal(5, service.Stats.OperationsWaited);

        service.Stats.Reset();
        Assert.Equal(0, service.Stats.SequentialWaits);
    }

    [Fact]
    public async Task WaitAll_reports_the_first_failure_in_the_callers_order()
    {
        var stub = new StubHandler((request, _) =>
        {
            var name = request.RelativePath.Split('/')[^2];
            var op = Read(StubCompute.Operation(name, "DONE"));
            if (name != "ok")
                op.Error = new OperationError { Errors = [new OperationErrorDetail { Code = name.ToUpperInvariant(), Message = name }] };
            return StubCompute.Json(200, JsonConvert.SerializeObject(op, ComputeService.JsonSettings()));
        });
        using var service = StubCompute.Service(stub);

        var error = await Assert.ThrowsAsync<OperationFailedException>(() => service.WaitAllAsync(
            new[] { "ok", "first", "second" }.Select(n => Read(StubCompute.Operation(n, "RUNNING")))));
        Assert.Equal("FIRST", error.Code);
        Assert.Equal(3, stub.Requests.Count);
    }

    [Fact]
    public async Task A_wait_that_returns_at_once_is_spaced_by_the_poll_interval()
    {
        var stub = StubHandler.Sequence(
            () => StubCompute.Json(200, StubCompute.Operation("op", "RUNNING")),
            () => StubCompute.Json(200, StubCompute.Operation("op", "DONE")));
        var options = StubCompute.Options(stub);
        options.OperationPollInterval = TimeSpan.FromMilliseconds(200);
        using var service = new ComputeService(options);
        var clock = System.Diagnostics.Stopwatch.StartNew();

        await service.WaitAsync(Read(StubCompute.Operation("op", "RUNNING")));

        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(180), clock.Elapsed.ToString());
    }

    [Fact]
    public void The_scope_comes_from_tails_only()
    {
        Assert.Equal(OperationScope.InZone("p", "us-central1-a"),
            OperationScope.Of(new Operation { Name = "o", Zone = "https://content.googleapis.com/compute/beta/projects/p/zones/us-central1-a" }));
        Assert.Equal(OperationScope.InRegion("p", "europe-west1"),
            OperationScope.Of(new Operation { Name = "o", SelfLink = "https://www.googleapis.com/compute/v1/projects/p/regions/europe-west1/operations/o" }));
        Assert.Equal(OperationScope.Global("p"),
            OperationScope.Of(new Operation { Name = "o", SelfLink = "https://www.googleapis.com/compute/v1/projects/p/global/operations/o" }));
        Assert.Throws<ArgumentException>(() => OperationScope.Of(new Operation { Name = "o" }));
    }
}
