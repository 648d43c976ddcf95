namespace HaMaster.Engine;

/// <summary>
/// One progress bar: a user operation (a parent, such as "Add-MasterReplica demo") or a flow inside
/// it (a child whose statuses are the flow's steps). Percentages only go up, so an operation that
/// runs two flows (a repair) never shows its bar moving back.
/// </summary>
public sealed class ProgressActivity : IDisposable
{
    private readonly IOperationObserver _observer;
    private bool _reported;
    private bool _completed;

    public ProgressActivity(IOperationObserver observer, string name, ProgressActivity? parent = null)
    {
        _observer = observer;
        Name = name;
        Parent = parent;
    }

    public string Name { get; }
    public ProgressActivity? Parent { get; }
    public string Status { get; private set; } = "";
    public int Percent { get; private set; }

    public void Report(string status, int percent)
    {
        Status = status;
        Percent = Math.Clamp(Math.Max(Percent, percent), 0, 100);
        _reported = true;
        _observer.Progress(this);
    }

    public ProgressActivity Child(string name) => new(_observer, name, this);

    /// <summary>Reports the activity finished (once, and only if it was ever shown), whether it succeeded or not.</summary>
    public void Dispose()
    {
        if (_completed || !_reported) return;
        _completed = true;
        _observer.Completed(this);
    }
}
