namespace HaMaster.Gce;

/// <summary>
/// What one call created, each with how to delete it again, so that a call that fails half way
/// leaves nothing behind. Safe to add to from calls running in parallel.
/// </summary>
internal sealed class CreatedResources
{
    private readonly List<Func<Task>> _deletes = new();

    public void Add(Func<Task> delete)
    {
        lock (_deletes) _deletes.Add(delete);
    }

    /// <summary>Deletes everything recorded, in parallel, as far as it goes: what is left is found by name by the next removal.</summary>
    public async Task DeleteAllBestEffortAsync()
    {
        List<Func<Task>> deletes;
        lock (_deletes) deletes = _deletes.ToList();
        try
        {
            await Task.WhenAll(deletes.Select(d => d())).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Best effort: Remove-HaCluster finds what is left by name.
        }
    }
}
