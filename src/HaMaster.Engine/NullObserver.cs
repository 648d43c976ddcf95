namespace HaMaster.Engine;

public sealed class NullObserver : IOperationObserver
{
    public static readonly NullObserver Instance = new();
    public void Verbose(string message) { }
    public void Warning(string message) { }
    public void Step(string activity, string step, int index, int total) { }
    public void Completed(string activity) { }
}
