namespace HaMaster.Gce.Compute;

/// <summary>The project or zone is missing or malformed; the message says which parameter or setting to give.</summary>
public sealed class GceConfigurationException : Exception
{
    public GceConfigurationException(string message) : base(message)
    {
    }
}
