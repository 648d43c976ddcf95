namespace HaMaster.Engine;

/// <summary>How the engine tells the caller what it is doing (the cmdlets turn these into PowerShell streams).</summary>
public interface IOperationObserver
{
    void Verbose(string message);
    void Warning(string message);
    /// <summary>A step of a flow begins: step <paramref name="index"/> (from 0) of <paramref name="total"/>.</summary>
    void Step(string activity, string step, int index, int total);
    void Completed(string activity);
}
