namespace HaMaster.Endpoint;

/// <summary>A request that cannot be served; answered with <see cref="StatusCode"/>.</summary>
public sealed class HttpProtocolException(int statusCode, string message) : Exception(message)
{
    public int StatusCode { get; } = statusCode;
}
