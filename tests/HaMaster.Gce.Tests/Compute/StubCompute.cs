using System.Net;
using System.Text;
using System.Web;
using Google.Apis.Http;
using HaMaster.Gce.Compute;

namespace HaMaster.Gce.Tests.Compute;

internal sealed record RecordedRequest(HttpMethod Method, Uri Uri, string? Body, string? Authorization, bool HasIfMatch)
{
    /// <summary>The path below the base URI, e.g. <c>projects/p/zones/z/instances/i</c>.</summary>
    public string RelativePath => Uri.AbsolutePath[StubCompute.BasePath.Length..];

    public string? Query(string name) => HttpUtility.ParseQueryString(Uri.Query)[name];
}

/// <summary>An in-process stand-in for the HTTP layer: records every request and answers from a function.</summary>
internal sealed class StubHandler : HttpMessageHandler
{
    private readonly Func<RecordedRequest, int, HttpResponseMessage> _respond;
    private readonly List<RecordedRequest> _requests = [];

    public StubHandler(Func<RecordedRequest, int, HttpResponseMessage> respond) => _respond = respond;

    /// <summary>Answers the given responses in turn (the last one repeats).</summary>
    public static StubHandler Sequence(params Func<HttpResponseMessage>[] responses) =>
        new((_, n) => responses[Math.Min(n, responses.Length - 1)]());

    public IReadOnlyList<RecordedRequest> Requests
    {
        get { lock (_requests) return _requests.ToList(); }
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        var recorded = new RecordedRequest(request.Method, request.RequestUri!, body,
            request.Headers.Authorization?.ToString(), request.Headers.Contains("If-Match"));
        int index;
        lock (_requests)
        {
            index = _requests.Count;
            _requests.Add(recorded);
        }
        var response = _respond(recorded, index);
        response.RequestMessage = request;
        return response;
    }
}

internal static class StubCompute
{
    public const string Endpoint = "https://compute.test/compute/v1/";
    public const string BasePath = "/compute/v1/";

    /// <summary>No sleeping: retries are immediate, delays recorded in <paramref name="delays"/>.</summary>
    public static ComputeRetryPolicy FastRetry(List<TimeSpan>? delays = null, int maxAttempts = 5) => new()
    {
        MaxAttempts = maxAttempts,
        InitialDelay = TimeSpan.FromMilliseconds(100),
        MaxDelay = TimeSpan.FromMilliseconds(400),
        Sleep = (delay, _) =>
        {
            if (delays is not null) lock (delays) delays.Add(delay);
            return Task.CompletedTask;
        },
    };

    public static Google.Apis.Http.IHttpClientFactory Factory(HttpMessageHandler handler) =>
        new HttpClientFromMessageHandlerFactory(_ =>
            new HttpClientFromMessageHandlerFactory.ConfiguredHttpMessageHandler(handler, false, false));

    public static ComputeService Service(StubHandler stub, ComputeRetryPolicy? retry = null, string endpoint = Endpoint) =>
        new(Options(stub, retry, endpoint));

    public static ComputeServiceOptions Options(StubHandler stub, ComputeRetryPolicy? retry = null, string? endpoint = Endpoint) => new()
    {
        Endpoint = endpoint,
        HttpClientFactory = Factory(stub),
        Retry = retry ?? FastRetry(),
        OperationPollInterval = TimeSpan.Zero,
    };

    public static HttpResponseMessage Json(int status, string json, TimeSpan? retryAfter = null)
    {
        var response = new HttpResponseMessage((HttpStatusCode)status)
        {
            Content = new StringContent(json, Encoding.UTF8, "application/json"),
        };
        if (retryAfter is { } after)
            response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(after);
        return response;
    }

    public static string Error(int code, string reason, string message, string domain = "global") =>
        new Newtonsoft.Json.Linq.JObject
        {
            ["error"] = new Newtonsoft.Json.Linq.JObject
            {
                ["code"] = code,
                ["errors"] = new Newtonsoft.Json.Linq.JArray(new Newtonsoft.Json.Linq.JObject
                {
                    ["domain"] = domain, ["message"] = message, ["reason"] = reason,
                }),
                ["message"] = message,
            },
        }.ToString();

    /// <summary>An operation as the API answers it; <paramref name="scope"/> is <c>zones/z</c>, <c>regions/r</c> or <c>global</c>.</summary>
    public static string Operation(string name, string status, string scope = "zones/us-central1-a", string project = "p")
    {
        var json = new Newtonsoft.Json.Linq.JObject
        {
            ["kind"] = "compute#operation",
            ["id"] = "1",
            ["name"] = name,
            ["status"] = status,
            ["progress"] = status == "DONE" ? 100 : 0,
            ["selfLink"] = $"https://www.googleapis.com/compute/v1/projects/{project}/{scope}/operations/{name}",
        };
        if (scope.StartsWith("zones/", StringComparison.Ordinal))
            json["zone"] = $"https://www.googleapis.com/compute/v1/projects/{project}/{scope}";
        if (scope.StartsWith("regions/", StringComparison.Ordinal))
            json["region"] = $"https://www.googleapis.com/compute/v1/projects/{project}/{scope}";
        return json.ToString();
    }
}
