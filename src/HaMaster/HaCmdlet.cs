using System.Collections.Concurrent;
using System.Management.Automation;
using System.Management.Automation.Host;
using HaMaster.Engine;
using HaMaster.Engine.Errors;
using HaMaster.Engine.Model;
using HaMaster.Engine.Providers;
using HaMaster.Engine.State;
using HaMaster.Gce;

namespace HaMaster;

/// <summary>
/// The base of every HaMaster cmdlet: finds the state folder, builds the engine, runs its
/// asynchronous work while relaying verbose, warning and progress records on the pipeline thread,
/// cancels on Ctrl+C (StopProcessing) and turns engine failures into ErrorRecords.
/// </summary>
public abstract class HaCmdlet : PSCmdlet, IDisposable
{
    /// <summary>Session variable that overrides $env:HAMASTER_HOME for this session.</summary>
    public const string HomeVariable = "HaMasterHome";

    private readonly CancellationTokenSource _stopping = new();
    private BlockingCollection<Action>? _pipelineActions;
    private PipelineObserver? _observer;
    private readonly Dictionary<ProviderKind, IReplicaProvider> _providers = new();

    protected CancellationToken CancellationToken => _stopping.Token;

    /// <summary>The state folder; $HaMasterHome resolves as PowerShell resolves a path (~, the current location).</summary>
    protected StateDirectory Home =>
        StateDirectory.Resolve(HomeOverride(GetVariableValue(HomeVariable)) is { Length: > 0 } path ? GetUnresolvedProviderPathFromPSPath(path) : null);

    /// <summary>The value of $HaMasterHome as a path, or null when unset.</summary>
    internal static string? HomeOverride(object? variableValue) => (variableValue as PSObject)?.BaseObject as string ?? variableValue as string;

    protected HaEngine CreateEngine()
    {
        var home = Home;
        return new HaEngine(home, kind => Provider(kind, home), _observer ??= new PipelineObserver(this));
    }

    /// <summary>The Gce provider's settings for this command (New-HaCluster takes them as parameters; later commands read what the cluster recorded).</summary>
    private protected virtual GceProviderOptions? GceOptions => null;

    /// <summary>One provider of each kind for the whole command (a cloud provider's client and credentials are made once).</summary>
    private IReplicaProvider Provider(ProviderKind kind, StateDirectory home)
    {
        lock (_providers)
        {
            if (!_providers.TryGetValue(kind, out var provider)) _providers[kind] = provider = Providers.Create(kind, home, GceOptions);
            return provider;
        }
    }

    /// <summary>
    /// Runs engine work off the pipeline thread and pumps what it reports onto it (cmdlets may
    /// only write from the pipeline thread).
    /// </summary>
    protected T Run<T>(Func<HaEngine, CancellationToken, Task<T>> work)
    {
        var engine = CreateEngine();
        using var actions = new BlockingCollection<Action>();
        _pipelineActions = actions;
        var task = Task.Run(async () =>
        {
            try { return await work(engine, CancellationToken).ConfigureAwait(false); }
            finally { actions.CompleteAdding(); }
        });
        PipelineStoppedException? stopped = null;
        try
        {
            foreach (var action in actions.GetConsumingEnumerable())
            {
                // After Ctrl+C the pipeline takes no more writes, but the engine may still be rolling
                // back: wait for it, so the command returns only once the cluster is consistent.
                if (stopped is not null) continue;
                try
                {
                    action();
                }
                catch (PipelineStoppedException e)
                {
                    stopped = e;
                    _stopping.Cancel();
                }
            }
        }
        finally
        {
            _pipelineActions = null;
        }
        if (stopped is not null)
        {
            try { task.Wait(); } catch (AggregateException) { } // completes at once: the pump ends when the work does
            throw stopped;
        }
        try
        {
            return task.GetAwaiter().GetResult();
        }
        catch (OperationCanceledException) when (Stopping || _stopping.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
    }

    protected void Run(Func<HaEngine, CancellationToken, Task> work) =>
        Run<bool>(async (engine, token) => { await work(engine, token).ConfigureAwait(false); return true; });

    /// <summary>Queues a write for the pipeline thread when called from engine work, or writes directly.</summary>
    internal void OnPipeline(Action action)
    {
        var actions = _pipelineActions;
        if (actions is null) action();
        else
        {
            try { actions.Add(action); } catch (InvalidOperationException) { }
        }
    }

    /// <summary>Reports a failure for one input and goes on with the next (non-terminating).</summary>
    protected void WriteFailure(Exception exception) => WriteError(ToErrorRecord(exception));

    /// <summary>Runs <paramref name="action"/>, reporting a failure as a non-terminating error for this input.</summary>
    protected void ForEachInput(Action action)
    {
        try
        {
            action();
        }
        catch (PipelineStoppedException)
        {
            throw;
        }
        catch (Exception e) when (e is not PipelineStoppedException)
        {
            WriteFailure(e);
        }
    }

    /// <summary>
    /// For destructive changes that ask first: -Force skips the question unless -Confirm is given
    /// explicitly, and never skips -WhatIf (which always only reports).
    /// </summary>
    protected bool ConfirmDestructive(string target, string action, bool force)
    {
        if (force && !IsPresent("WhatIf") && !IsPresent("Confirm") && !LanguagePrimitives.IsTrue(GetVariableValue("WhatIfPreference")))
        {
            WriteVerbose($"Performing the operation \"{action}\" on target \"{target}\" (-Force).");
            return true;
        }
        return Ask(() => ShouldProcess(target, action), $"{action} on {target}", "-Force or -Confirm:$false");
    }

    /// <summary>
    /// ShouldContinue for a question that only <paramref name="skipWith"/> skips (not -Confirm:$false),
    /// such as replacing a healthy replica.
    /// </summary>
    protected bool AskToContinue(string query, string caption, string skipWith) => Ask(() => ShouldContinue(query, caption), query, skipWith);

    /// <summary>
    /// Asks as <paramref name="question"/> does; a session that cannot ask (a script runner, pwsh
    /// -NonInteractive) gets ConfirmationNotPossible naming the switch that goes on without the
    /// question, instead of the host's own failure.
    /// </summary>
    private bool Ask(Func<bool> question, string what, string skipWith)
    {
        try
        {
            return question();
        }
        catch (Exception e) when (e is HostException or PSInvalidOperationException or NotImplementedException)
        {
            throw new HaException(ErrorIds.ConfirmationNotPossible,
                $"{MyInvocation.MyCommand.Name} has to ask before it goes on ({what}), and this session cannot ask: {e.Message}",
                $"Add {skipWith} to go on without the question, or run the command in an interactive session.", ErrorTarget, e);
        }
    }

    private bool IsPresent(string switchName) =>
        MyInvocation.BoundParameters.TryGetValue(switchName, out var bound) && bound is SwitchParameter { IsPresent: true };

    /// <summary>The object an error is about when the failure itself does not say: the cluster the command works on.</summary>
    protected virtual object? ErrorTarget =>
        MyInvocation.BoundParameters.TryGetValue("Cluster", out var cluster) ? cluster
        : MyInvocation.BoundParameters.TryGetValue("Name", out var name) ? name
        : null;

    public ErrorRecord ToErrorRecord(Exception exception)
    {
        var failure = FailureTranslator.Translate(exception, ErrorTarget ?? MyInvocation.MyCommand.Name);
        var category = Enum.TryParse<ErrorCategory>(failure.Category.ToString(), out var parsed) ? parsed : ErrorCategory.NotSpecified;
        return new ErrorRecord(failure, failure.ErrorId, category, failure.Target)
        {
            ErrorDetails = new ErrorDetails(failure.Message) { RecommendedAction = failure.RecommendedAction },
        };
    }

    protected override void StopProcessing() => _stopping.Cancel();

    public void Dispose()
    {
        foreach (var provider in _providers.Values) (provider as IDisposable)?.Dispose();
        _stopping.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>Relays engine reports to the cmdlet's streams, on the pipeline thread.</summary>
    private sealed class PipelineObserver : IOperationObserver
    {
        private readonly HaCmdlet _cmdlet;
        private readonly Dictionary<ProgressActivity, int> _activityIds = new(ReferenceEqualityComparer.Instance);

        public PipelineObserver(HaCmdlet cmdlet) => _cmdlet = cmdlet;

        public void Verbose(string message) => _cmdlet.OnPipeline(() => _cmdlet.WriteVerbose(message));
        public void Warning(string message) => _cmdlet.OnPipeline(() => _cmdlet.WriteWarning(message));

        public void Progress(ProgressActivity activity)
        {
            var record = new ProgressRecord(ActivityId(activity), activity.Name, activity.Status)
            {
                ParentActivityId = activity.Parent is { } parent ? ActivityId(parent) : -1,
                PercentComplete = activity.Percent,
            };
            _cmdlet.OnPipeline(() => _cmdlet.WriteProgress(record));
        }

        public void Completed(ProgressActivity activity)
        {
            var record = new ProgressRecord(ActivityId(activity), activity.Name, "Done")
            {
                ParentActivityId = activity.Parent is { } parent ? ActivityId(parent) : -1,
                PercentComplete = 100,
                RecordType = ProgressRecordType.Completed,
            };
            _cmdlet.OnPipeline(() => _cmdlet.WriteProgress(record));
        }

        private int ActivityId(ProgressActivity activity)
        {
            lock (_activityIds)
            {
                if (!_activityIds.TryGetValue(activity, out var id)) _activityIds[activity] = id = _activityIds.Count + 1;
                return id;
            }
        }
    }
}
