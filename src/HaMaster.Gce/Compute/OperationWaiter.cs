using System.Diagnostics;

namespace HaMaster.Gce.Compute;

/// <summary>
/// Waits for operations with the API's <c>wait</c> call of the operation's scope, in a loop until DONE
/// (wait may return early). A DONE operation with errors throws <see cref="OperationFailedException"/>.
/// </summary>
public sealed class OperationWaiter
{
    private readonly OperationsResource _operations;
    private readonly OperationStats _stats;
    private readonly TimeSpan _minInterval;

    /// <param name="minInterval">
    /// The least time between two wait calls for one operation: when a wait answers at once without DONE
    /// (a server that does not hold the call), the waiter sleeps the rest of it instead of spinning.
    /// </param>
    public OperationWaiter(OperationsResource operations, OperationStats stats, TimeSpan minInterval)
    {
        _operations = operations;
        _stats = stats;
        _minInterval = minInterval;
    }

    /// <summary>Waits until <paramref name="operation"/> is DONE and returns it as last seen.</summary>
    /// <exception cref="OperationFailedException">The operation finished with errors.</exception>
    /// <exception cref="ComputeApiException">A wait call failed (for example 404: unknown operation).</exception>
    public async Task<Operation> WaitAsync(Operation operation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(operation);
        using var _ = _stats.BeginWait();
        _stats.CountOperation();
        var current = operation;
        if (!current.IsDone)
        {
            if (string.IsNullOrEmpty(operation.Name))
                throw new ArgumentException("The operation has no name, so it cannot be waited for.", nameof(operation));
            var scope = OperationScope.Of(operation);
            while (!current.IsDone)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var clock = Stopwatch.StartNew();
                _stats.CountWaitCall();
                current = await _operations.Wait(scope, operation.Name).ExecuteAsync(cancellationToken).ConfigureAwait(false);
                var rest = _minInterval - clock.Elapsed;
                if (!current.IsDone && rest > TimeSpan.Zero)
                    await Task.Delay(rest, cancellationToken).ConfigureAwait(false);
            }
        }
        if (current.HasFailed)
            throw new OperationFailedException(current);
        return current;
    }

    /// <summary>
    /// Waits for several operations at once (one sequential wait in <see cref="OperationStats"/>). When some
    /// fail, the first failure (in the order given) is thrown after all have finished.
    /// </summary>
    public async Task<IReadOnlyList<Operation>> WaitAllAsync(IEnumerable<Operation> operations,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(operations);
        using var _ = _stats.BeginWait();
        var tasks = operations.Select(o => WaitAsync(o, cancellationToken)).ToList();
        try
        {
            await Task.WhenAll(tasks).ConfigureAwait(false);
        }
        catch
        {
            // Task.WhenAll rethrows one failure; report the first in the caller's order.
            var failed = tasks.First(t => t.IsFaulted || t.IsCanceled);
            await failed.ConfigureAwait(false);
            throw;
        }
        return tasks.Select(t => t.Result).ToList();
    }
}
