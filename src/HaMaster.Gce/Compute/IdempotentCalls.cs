namespace HaMaster.Gce.Compute;

/// <summary>
/// Calls that can be run again after an interruption: an insert of something that exists already,
/// or a delete of something already gone, counts as done.
/// </summary>
public static class IdempotentCalls
{
    /// <summary>Sends a mutation and waits for its operation.</summary>
    public static async Task RunAsync(this ComputeService compute, ComputeMutation mutation, CancellationToken cancellationToken) =>
        await compute.WaitAsync(await mutation.ExecuteAsync(cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);

    /// <summary>Inserts and waits; false when it existed already (another run made it).</summary>
    public static async Task<bool> InsertAsync(this ComputeService compute, ComputeMutation insert, CancellationToken cancellationToken)
    {
        try
        {
            await compute.RunAsync(insert, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (ComputeApiException e) when (e.IsAlreadyExists)
        {
            return false;
        }
        catch (OperationFailedException e) when (e.IsAlreadyExists)
        {
            return false;
        }
    }

    /// <summary>Deletes and waits; nothing when it is gone already.</summary>
    public static async Task DeleteIfPresentAsync(this ComputeService compute, ComputeMutation delete, CancellationToken cancellationToken)
    {
        try
        {
            await compute.RunAsync(delete, cancellationToken).ConfigureAwait(false);
        }
        catch (ComputeApiException e) when (e.IsNotFound)
        {
        }
        catch (OperationFailedException e) when (e.IsNotFound)
        {
        }
    }

    /// <summary>The resource, or null when it does not exist.</summary>
    public static async Task<T?> GetOrNullAsync<T>(this ComputeReadRequest<T> get, CancellationToken cancellationToken) where T : class
    {
        try
        {
            return await get.ExecuteAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (ComputeApiException e) when (e.IsNotFound)
        {
            return null;
        }
    }
}
