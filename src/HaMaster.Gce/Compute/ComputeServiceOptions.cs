using Google.Apis.Http;

namespace HaMaster.Gce.Compute;

/// <summary>How to build a <see cref="ComputeService"/>.</summary>
public sealed class ComputeServiceOptions
{
    /// <summary>
    /// The base URI; null: <c>CLOUDSDK_API_ENDPOINT_OVERRIDES_COMPUTE</c>, else the public endpoint
    /// (see <see cref="ComputeEndpoint"/>).
    /// </summary>
    public string? Endpoint { get; set; }

    /// <summary>
    /// The credential (a <c>GoogleCredential</c>). <see cref="ComputeService.CreateAsync"/> fills it from
    /// <see cref="ComputeCredentials"/> when it is null; the constructor sends requests without one.
    /// </summary>
    public IConfigurableHttpClientInitializer? Credential { get; set; }

    public ComputeRetryPolicy Retry { get; set; } = ComputeRetryPolicy.Default;

    /// <summary>The least time between two wait calls of one operation (see <see cref="OperationWaiter"/>).</summary>
    public TimeSpan OperationPollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Per HTTP request; above the two minutes an operations.wait call may be held by the server.</summary>
    public TimeSpan HttpTimeout { get; set; } = TimeSpan.FromMinutes(3);

    public string ApplicationName { get; set; } = "HaMaster";

    /// <summary>Where the HTTP stack comes from; tests put a stub handler here.</summary>
    public Google.Apis.Http.IHttpClientFactory? HttpClientFactory { get; set; }

    internal ComputeServiceOptions Copy() => (ComputeServiceOptions)MemberwiseClone();
}
