namespace HaMaster.Endpoint;

/// <summary>The config file, or a file it points to, cannot be used. Leads to exit code 2 at start.</summary>
public sealed class EndpointConfigException : Exception
{
    public EndpointConfigException(string message, Exception? inner = null) : base(message, inner) { }
}
