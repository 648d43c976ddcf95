namespace HaMaster.Engine;

public sealed class NullObserver : IOperationObserver
{
    public static readonly NullObserver Instance = new();
    public void Verbose(string message) { }
    public void Warning(string message) { }
    public void Progress(ProgressActivity activity) { }
    public void Completed(ProgressActivity activity) { }
}
