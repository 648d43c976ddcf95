namespace HaMaster.Gce.Compute;

/// <summary>No usable Google credential was found; the message says what to do.</summary>
public sealed class ComputeCredentialsException : Exception
{
    public ComputeCredentialsException(string message, Exception? inner = null) : base(message, inner)
    {
    }
}
