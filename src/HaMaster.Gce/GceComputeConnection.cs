using HaMaster.Gce.Compute;

namespace HaMaster.Gce;

/// <summary>
/// The provider's Compute client: made on first use (by the factory given, else with Application
/// Default Credentials), made again by the next call when making it failed. A credential that cannot
/// be found is <see cref="Engine.Errors.ErrorIds.CloudCredentialsMissing"/>. Disposing disposes only a
/// client made here with the default factory, never one given by the caller.
/// </summary>
internal sealed class GceComputeConnection : IDisposable
{
    private readonly Func<CancellationToken, Task<ComputeService>> _factory;
    private readonly object _lock = new();
    private Task<ComputeService>? _compute;
    private ComputeService? _created;

    public GceComputeConnection(Func<CancellationToken, Task<ComputeService>>? factory)
    {
        _factory = factory ?? (async cancellationToken => _created = await ComputeService.CreateAsync(null, cancellationToken).ConfigureAwait(false));
    }

    public Task<ComputeService> GetAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (_compute is null || _compute.IsFaulted || _compute.IsCanceled)
                _compute = CreateAsync(cancellationToken);
            return _compute;
        }
    }

    private async Task<ComputeService> CreateAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await _factory(cancellationToken).ConfigureAwait(false);
        }
        catch (ComputeCredentialsException e)
        {
            throw GceErrors.CredentialsMissing(e);
        }
    }

    public void Dispose() => _created?.Dispose();
}
