using System.Net;

namespace HaMaster.Gce.Compute;

/// <summary>
/// The base URI the client calls: an explicit value, else gcloud's
/// <c>CLOUDSDK_API_ENDPOINT_OVERRIDES_COMPUTE</c>, else <c>https://compute.googleapis.com/compute/v1/</c>.
/// Like gcloud's override the value includes the version path (<c>http://127.0.0.1:8080/compute/v1/</c>);
/// a bare host (<c>http://127.0.0.1:8080</c>) gets <c>compute/v1/</c> added.
/// </summary>
public static class ComputeEndpoint
{
    public const string DefaultBaseUri = "https://compute.googleapis.com/compute/v1/";
    public const string OverrideVariable = "CLOUDSDK_API_ENDPOINT_OVERRIDES_COMPUTE";

    /// <summary>The effective base URI, always absolute and ending in '/'.</summary>
    public static Uri Resolve(string? explicitEndpoint = null)
    {
        var value = !string.IsNullOrWhiteSpace(explicitEndpoint)
            ? explicitEndpoint
            : Environment.GetEnvironmentVariable(OverrideVariable);
        var source = !string.IsNullOrWhiteSpace(explicitEndpoint) ? "The Compute endpoint" : OverrideVariable;
        if (string.IsNullOrWhiteSpace(value))
            return new Uri(DefaultBaseUri);
        if (!Uri.TryCreate(value.Trim(), UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
            throw new ArgumentException(
                $"{source} '{value}' is not an http or https URL such as https://compute.googleapis.com/compute/v1/.");
        var path = uri.AbsolutePath;
        if (path == "/")
            path = "/compute/v1/";
        else if (!path.EndsWith('/'))
            path += "/";
        return new UriBuilder(uri) { Path = path, Query = "", Fragment = "" }.Uri;
    }

    /// <summary>True for plain http to a loopback address: the local stand-in, which needs no credential.</summary>
    public static bool IsLocalPlainHttp(Uri endpoint) =>
        endpoint.Scheme == Uri.UriSchemeHttp && IsLoopback(endpoint);

    private static bool IsLoopback(Uri endpoint)
    {
        if (endpoint.IsLoopback)
            return true;
        return IPAddress.TryParse(endpoint.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip);
    }
}
