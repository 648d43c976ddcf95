namespace HaMaster.Gce.Compute;

/// <summary>
/// Counts of operation waiting, for reports such as "number of sequential operation waits". Thread-safe.
/// <list type="bullet">
/// <item><see cref="SequentialWaits"/>: how many times the caller was blocked on operations. Waits that
/// overlap in time (operations waited in parallel, or <see cref="OperationWaiter.WaitAllAsync"/>) count
/// once; a wait that starts when none is in progress counts one more.</item>
/// <item><see cref="OperationsWaited"/>: operations waited for, one per operation.</item>
/// <item><see cref="WaitCalls"/>: <c>wait</c> requests sent (the API's wait may return before DONE).</item>
/// </list>
/// </summary>
public sealed class OperationStats
{
    private int _inProgress;
    private long _sequentialWaits;
    private long _operationsWaited;
    private long _waitCalls;

    public long SequentialWaits => Interlocked.Read(ref _sequentialWaits);
    public long OperationsWaited => Interlocked.Read(ref _operationsWaited);
    public long WaitCalls => Interlocked.Read(ref _waitCalls);

    public void Reset()
    {
        Interlocked.Exchange(ref _sequentialWaits, 0);
        Interlocked.Exchange(ref _operationsWaited, 0);
        Interlocked.Exchange(ref _waitCalls, 0);
    }

    public override string ToString() =>
        $"{SequentialWaits} sequential waits, {OperationsWaited} operations, {WaitCalls} wait calls";

    /// <summary>Marks the start of a blocking wait; dispose the result when it ends.</summary>
    internal IDisposable BeginWait()
    {
        if (Interlocked.Increment(ref _inProgress) == 1)
            Interlocked.Increment(ref _sequentialWaits);
        return new WaitScope(this);
    }

    internal void CountOperation() => Interlocked.Increment(ref _operationsWaited);

    internal void CountWaitCall() => Interlocked.Increment(ref _waitCalls);

    private sealed class WaitScope(OperationStats stats) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
                Interlocked.Decrement(ref stats._inProgress);
        }
    }
}
