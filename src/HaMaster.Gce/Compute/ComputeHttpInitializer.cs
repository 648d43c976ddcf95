using Google.Apis.Http;

namespace HaMaster.Gce.Compute;

/// <summary>
/// Sets up the service's HTTP client: first the credential (which also refreshes tokens on 401), then the
/// <see cref="ComputeRetryHandler"/> and the number of tries of the policy.
/// </summary>
internal sealed class ComputeHttpInitializer : IConfigurableHttpClientInitializer
{
    private readonly IConfigurableHttpClientInitializer? _credential;
    private readonly ComputeRetryPolicy _policy;

    public ComputeHttpInitializer(IConfigurableHttpClientInitializer? credential, ComputeRetryPolicy policy)
    {
        _credential = credential;
        _policy = policy;
    }

    public void Initialize(ConfigurableHttpClient httpClient)
    {
        _credential?.Initialize(httpClient);
        httpClient.MessageHandler.NumTries = _policy.MaxAttempts;
        var retry = new ComputeRetryHandler(_policy);
        httpClient.MessageHandler.AddUnsuccessfulResponseHandler(retry);
        httpClient.MessageHandler.AddExceptionHandler(retry);
    }
}
