using System.Reflection;
using Google;
using Google.Apis.Discovery;
using Google.Apis.Requests;
using Google.Apis.Util;

namespace HaMaster.Gce.Compute;

/// <summary>
/// Base of every Compute request. The REST path is built from the project, scope and resource names
/// (escaped, relative to the service's base URI <c>…/compute/v1/</c>); it is never taken from a selfLink.
/// Query parameters are the properties marked <see cref="RequestParameterAttribute"/>. A non-2xx answer
/// becomes a <see cref="ComputeApiException"/>.
/// </summary>
public abstract class ComputeRequest<TResponse> : ClientServiceRequest<TResponse>
{
    private readonly string _methodName;
    private readonly string _httpMethod;
    private readonly string _restPath;
    private readonly object? _body;

    private protected ComputeRequest(ComputeService service, string methodName, string httpMethod, string restPath,
        object? body, bool readOnlyPost = false)
        : base(service)
    {
        _methodName = methodName;
        _httpMethod = httpMethod;
        _restPath = restPath;
        _body = body;
        // Bodies never carry an ETag (no IDirectResponseSchema): never send If-Match / If-None-Match.
        ETagAction = Google.Apis.ETagAction.Ignore;
        if (readOnlyPost)
            ModifyRequest = message => message.Options.Set(ComputeRetryHandler.ReadOnlyPostKey, true);
        InitParameters();
    }

    /// <summary>The API method, e.g. <c>compute.instances.get</c>.</summary>
    public override string MethodName => _methodName;
    public override string HttpMethod => _httpMethod;
    /// <summary>The path relative to the service's base URI, e.g. <c>projects/p/zones/z/instances/i</c>.</summary>
    public override string RestPath => _restPath;

    protected override object? GetBody() => _body;

    /// <summary>Registers every <see cref="RequestParameterAttribute"/> property as an optional query parameter.</summary>
    protected override void InitParameters()
    {
        base.InitParameters();
        foreach (var property in GetType().GetProperties(BindingFlags.Instance | BindingFlags.Public))
        {
            if (CustomAttributeExtensions.GetCustomAttribute<RequestParameterAttribute>(property) is not { } attribute)
                continue;
            var name = attribute.Name ?? property.Name.ToLowerInvariant();
            RequestParameters[name] = new Parameter { Name = name, IsRequired = false, ParameterType = "query" };
        }
    }

    /// <summary>
    /// Sends the request (with the retries of the service's <see cref="ComputeRetryPolicy"/>) and parses the
    /// answer. A non-2xx answer throws <see cref="ComputeApiException"/>.
    /// </summary>
    public new async Task<TResponse> ExecuteAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            return await base.ExecuteAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (GoogleApiException e) when (e is not ComputeApiException && e.HttpStatusCode != 0)
        {
            throw new ComputeApiException(e, MethodName);
        }
    }
}

/// <summary>A GET of one resource, or a read-only POST (operations.wait, targetPools.getHealth).</summary>
public sealed class ComputeReadRequest<TResponse> : ComputeRequest<TResponse>
{
    internal ComputeReadRequest(ComputeService service, string methodName, string restPath)
        : base(service, methodName, "GET", restPath, null)
    {
    }

    internal ComputeReadRequest(ComputeService service, string methodName, string restPath, object? postBody)
        : base(service, methodName, "POST", restPath, postBody, readOnlyPost: true)
    {
    }
}

internal static class Require
{
    /// <summary>A request body must be given.</summary>
    public static T Body<T>(T? body) where T : class => body ?? throw new ArgumentNullException(nameof(body));
}
