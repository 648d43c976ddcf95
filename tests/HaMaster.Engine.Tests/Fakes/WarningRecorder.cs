namespace HaMaster.Engine.Tests.Fakes;

/// <summary>An observer that keeps the warnings a command gives, in <paramref name="warnings"/>.</summary>
public sealed class WarningRecorder(List<string> warnings) : IOperationObserver
{
    public void Verbose(string message)
    {
    }

    public void Warning(string message) => warnings.Add(message);

    public void Progress(ProgressActivity activity)
    {
    }

    public void Completed(ProgressActivity activity)
    {
    }
}
