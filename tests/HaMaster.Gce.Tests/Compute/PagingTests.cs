using HaMaster.Gce.Compute;
using Xunit;

namespace HaMaster.Gce.Tests.Compute;

public sealed class PagingTests
{
    [Fact]
    public async Task All_pages_are_walked_with_the_servers_token()
    {
        var stub = new StubHandler((request, _) => StubCompute.Json(200, SharedFixtures.ReadLibcloud(
            request.Query("pageToken") is null ? "regions-paged-1.json" : "regions-paged-2.json")));
        using var service = StubCompute.Service(stub);

        var names = new List<string?>();
        await foreach (var region in service.Regions.List("p").ListAllAsync())
            names.Add(region.Name);

        Assert.Equal(["asia-east1", "europe-west1", "us-central1"], names);
        Assert.Equal(2, stub.Requests.Count);
        Assert.Null(stub.Requests[0].Query("pageToken"));
        Assert.Equal("CjQIz5W-w6HRxAI6KQoCGAEKAiAACgIYAQoCIAAKAhgTCg4qDGV1cm9wZS13ZXN0MQoDIMwI", stub.Requests[1].Query("pageToken"));
    }

    [Fact]
    public async Task A_page_without_items_is_empty_and_filters_are_kept_on_every_page()
    {
        var stub = new StubHandler((request, _) => StubCompute.Json(200, request.Query("pageToken") is null
            ? """{"kind":"compute#instanceList","nextPageToken":"t2"}"""
            : """{"kind":"compute#instanceList","items":[{"name":"demo-master"}]}"""));
        using var service = StubCompute.Service(stub);
        var request = service.Instances.List("p", "us-central1-a");
        request.Filter = "labels.cluster = \"demo\"";

        var all = new List<Instance>();
        await foreach (var instance in request.ListAllAsync())
            all.Add(instance);

        Assert.Equal("demo-master", Assert.Single(all).Name);
        Assert.All(stub.Requests, r => Assert.Equal("labels.cluster = \"demo\"", r.Query("filter")));
    }

    [Fact]
    public async Task An_aggregated_list_flattens_zones_and_skips_warnings()
    {
        var stub = new StubHandler((request, _) => StubCompute.Json(200, request.Query("pageToken") is null
            ? """
              {"kind":"compute#instanceAggregatedList","items":{
                "zones/us-central1-a":{"instances":[{"name":"demo-master"}]},
                "zones/us-central1-b":{"warning":{"code":"NO_RESULTS_ON_PAGE","message":"none"}}},
               "nextPageToken":"next"}
              """
            : """{"items":{"zones/us-central1-c":{"instances":[{"name":"demo-master-1a2"},{"name":"demo-master-3c4"}]}}}"""));
        using var service = StubCompute.Service(stub);

        var names = new List<string?>();
        await foreach (var instance in service.Instances.AggregatedList("p").ListAllAsync())
            names.Add(instance.Name);

        Assert.Equal(["demo-master", "demo-master-1a2", "demo-master-3c4"], names);
    }

    [Fact]
    public async Task A_repeated_token_stops_the_walk()
    {
        var stub = new StubHandler((_, _) => StubCompute.Json(200, """{"items":[{"name":"a"}],"nextPageToken":"same"}"""));
        using var service = StubCompute.Service(stub);

        await Assert.ThrowsAsync<InvalidOperationException>(async () =>
        {
            await foreach (var _ in service.Addresses.List("p", "r").ListAllAsync()) { }
        });
        Assert.Equal(2, stub.Requests.Count);
    }
}
