namespace HaMaster.Engine.Health;

/// <summary>Asks an API server whether it is ready (<see cref="ApiProbe"/>; an in-memory one in tests).</summary>
public interface IApiProbe : IDisposable
{
    /// <summary>
    /// Null when ready, otherwise why not: connects to <paramref name="address"/> and accepts only a
    /// certificate that names <paramref name="certificateName"/>.
    /// </summary>
    Task<string?> ReadyProblemAsync(string address, string certificateName, int port, CancellationToken cancellationToken);
}
