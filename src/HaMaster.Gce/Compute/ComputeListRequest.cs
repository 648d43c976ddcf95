using Google.Apis.Util;

namespace HaMaster.Gce.Compute;

/// <summary>
/// A list call. <see cref="ExecuteAsync"/> returns one page; <see cref="ListAllAsync"/> walks every page
/// through <c>nextPageToken</c>.
/// </summary>
public sealed class ComputeListRequest<TItem> : ComputeRequest<ResourceList<TItem>>
{
    internal ComputeListRequest(ComputeService service, string methodName, string restPath)
        : base(service, methodName, "GET", restPath, null)
    {
    }

    /// <summary>
    /// A filter, e.g. <c>labels.cluster = "demo"</c> or <c>name = "demo-master"</c> (AIP-160), or the older
    /// <c>name eq demo-.*</c> form; the two forms cannot be mixed.
    /// </summary>
    [RequestParameter("filter", RequestParameterType.Query)]
    public string? Filter { get; set; }

    /// <summary>Page size, at most (and by default) 500.</summary>
    [RequestParameter("maxResults", RequestParameterType.Query)]
    public long? MaxResults { get; set; }

    [RequestParameter("orderBy", RequestParameterType.Query)]
    public string? OrderBy { get; set; }

    [RequestParameter("pageToken", RequestParameterType.Query)]
    public string? PageToken { get; set; }

    [RequestParameter("returnPartialSuccess", RequestParameterType.Query)]
    public bool? ReturnPartialSuccess { get; set; }

    /// <summary>Every item of every page, starting at <see cref="PageToken"/> (normally the first page).</summary>
    public IAsyncEnumerable<TItem> ListAllAsync(CancellationToken cancellationToken = default) =>
        ComputePager.ListAllAsync(async (token, ct) =>
        {
            PageToken = token;
            var page = await ExecuteAsync(ct).ConfigureAwait(false);
            return ((IReadOnlyList<TItem>)(page.Items ?? []), page.NextPageToken);
        }, PageToken, cancellationToken);
}

/// <summary>
/// <c>instances.aggregatedList</c>: the instances of every zone of a project. <see cref="ListAllAsync"/>
/// flattens the per-zone map of every page (zones with only a NO_RESULTS_ON_PAGE warning give nothing).
/// </summary>
public sealed class InstancesAggregatedListRequest : ComputeRequest<AggregatedList<InstancesScopedList>>
{
    internal InstancesAggregatedListRequest(ComputeService service, string restPath)
        : base(service, "compute.instances.aggregatedList", "GET", restPath, null)
    {
    }

    [RequestParameter("filter", RequestParameterType.Query)]
    public string? Filter { get; set; }

    [RequestParameter("maxResults", RequestParameterType.Query)]
    public long? MaxResults { get; set; }

    [RequestParameter("pageToken", RequestParameterType.Query)]
    public string? PageToken { get; set; }

    [RequestParameter("returnPartialSuccess", RequestParameterType.Query)]
    public bool? ReturnPartialSuccess { get; set; }

    public IAsyncEnumerable<Instance> ListAllAsync(CancellationToken cancellationToken = default) =>
        ComputePager.ListAllAsync(async (token, ct) =>
        {
            PageToken = token;
            var page = await ExecuteAsync(ct).ConfigureAwait(false);
            var items = (page.Items ?? []).Values.SelectMany(scoped => scoped.Instances ?? []).ToList();
            return ((IReadOnlyList<Instance>)items, page.NextPageToken);
        }, PageToken, cancellationToken);
}
