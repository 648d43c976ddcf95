namespace HaMaster.Engine;

/// <summary>How the engine tells the caller what it is doing (the cmdlets turn these into PowerShell streams).</summary>
public interface IOperationObserver
{
    void Verbose(string message);
    void Warning(string message);
    /// <summary>An activity's status or percentage changed.</summary>
    void Progress(ProgressActivity activity);
    void Completed(ProgressActivity activity);
}
