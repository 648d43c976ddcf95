namespace HaMaster.Endpoint;

/// <summary>A configured address could not be bound at start. Leads to exit code 1.</summary>
public sealed class EndpointListenException(string message) : Exception(message);
