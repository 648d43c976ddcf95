using System.Collections.ObjectModel;
using System.Diagnostics;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using HaMaster.Runner;

namespace HaMaster.Bench;

/// <summary>
/// The real PowerShell engine hosted in this process with the module imported (as the script runner
/// does) and <c>$HaMasterHome</c> set to a state folder of the scenario's own. Every command is a
/// script a user would type; every invocation has a deadline and is stopped (Ctrl+C) when it passes.
/// </summary>
public sealed class HostedShell : IDisposable
{
    private readonly StringWriter _hostOutput = new();
    private readonly Runspace _runspace;
    private readonly CancellationToken _cancel;

    public HostedShell(string home, CancellationToken cancel)
    {
        _cancel = cancel;
        _runspace = ScriptRunner.OpenRunspace(new ConsoleHost(_hostOutput));
        _runspace.SessionStateProxy.SetVariable("HaMasterHome", home);
    }

    /// <summary>
    /// Runs <paramref name="script"/>; throws when it passes its deadline, fails, or (unless
    /// <paramref name="allowErrors"/>) reports an error. Errors allowed are returned in the invocation.
    /// </summary>
    public Invocation Run(string script, TimeSpan timeout, bool allowErrors = false, bool evenWhenStopping = false)
    {
        using var shell = PowerShell.Create();
        shell.Runspace = _runspace;
        shell.AddScript(script);
        var progress = new List<ProgressMark>();
        var watch = new Stopwatch();
        shell.Streams.Progress.DataAdded += (_, e) =>
        {
            var record = shell.Streams.Progress[e.Index];
            lock (progress) progress.Add(new ProgressMark(watch.Elapsed.TotalMilliseconds, record.Activity, record.StatusDescription));
        };
        var started = Stopwatch.GetTimestamp();
        watch.Start();
        var task = shell.InvokeAsync();
        var finished = WaitFor(task, timeout, evenWhenStopping ? CancellationToken.None : _cancel);
        watch.Stop();
        var ended = Stopwatch.GetTimestamp();
        if (!finished)
        {
            try { shell.StopAsync(null, null).Wait(TimeSpan.FromSeconds(60)); } catch (Exception) { }
            throw new BenchException(_cancel.IsCancellationRequested
                ? $"Stopped by the user during: {script}"
                : $"'{script}' did not finish within {timeout.TotalSeconds:0} s (stopped).");
        }
        Collection<PSObject> output;
        try
        {
            output = new Collection<PSObject>(task.GetAwaiter().GetResult().ToList());
        }
        catch (RuntimeException e)
        {
            throw new BenchException($"'{script}' failed: {e.ErrorRecord.FullyQualifiedErrorId}: {e.Message}");
        }
        var errors = shell.Streams.Error.Select(r => $"{r.FullyQualifiedErrorId}: {r.ErrorDetails?.Message ?? r.Exception.Message} {r.ErrorDetails?.RecommendedAction}".TrimEnd()).ToList();
        if (errors.Count > 0 && !allowErrors)
            throw new BenchException($"'{script}' reported errors: {string.Join("; ", errors)}");
        lock (progress)
            return new Invocation(output.Where(o => o is not null).ToList(), watch.Elapsed, started, ended, progress.ToList(),
                shell.Streams.Warning.Select(w => w.Message).ToList(), errors);
    }

    private static bool WaitFor(Task task, TimeSpan timeout, CancellationToken cancel)
    {
        try
        {
            return task.Wait((int)timeout.TotalMilliseconds, cancel);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        catch (AggregateException)
        {
            return true;
        }
    }

    public void Dispose()
    {
        _runspace.Dispose();
        _hostOutput.Dispose();
    }
}

/// <summary>What one pipeline returned, how long it took (Stopwatch around the pipeline) and its progress steps.</summary>
public sealed record Invocation(IReadOnlyList<PSObject> Output, TimeSpan Elapsed, long StartedTimestamp, long EndedTimestamp,
    IReadOnlyList<ProgressMark> Progress, IReadOnlyList<string> Warnings, IReadOnlyList<string> Errors);

/// <summary>A progress record as it arrived, <see cref="AtMs"/> after the pipeline started.</summary>
public sealed record ProgressMark(double AtMs, string Activity, string Status);

public sealed class BenchException(string message) : Exception(message);

/// <summary>Reads properties of the module's output objects without depending on their .NET types.</summary>
public static class PSObjectExtensions
{
    public static T? Get<T>(this PSObject value, string property)
    {
        var raw = value.Properties[property]?.Value;
        if (raw is PSObject wrapped) raw = wrapped.BaseObject;
        return raw is null ? default : (T)LanguagePrimitives.ConvertTo(raw, typeof(T), System.Globalization.CultureInfo.InvariantCulture);
    }
}
