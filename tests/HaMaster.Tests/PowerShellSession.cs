using System.Collections.ObjectModel;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Management.Automation.Runspaces;
using HaMaster.Runner;

namespace HaMaster.Tests;

/// <summary>
/// The real PowerShell engine, in-process, with the built module imported and a state folder of
/// its own (so tests run in parallel without seeing each other's clusters).
/// </summary>
public sealed class PowerShellSession : IDisposable
{
    private readonly StringWriter _hostOutput = new();

    /// <param name="wrapHost">Wraps the text console host, for tests that answer prompts.</param>
    public PowerShellSession(Func<PSHost, PSHost>? wrapHost = null)
    {
        Home = TestHome.Create();
        PSHost host = new ConsoleHost(_hostOutput);
        Runspace = ScriptRunner.OpenRunspace(wrapHost is null ? host : wrapHost(host));
        Runspace.SessionStateProxy.SetVariable("HaMasterHome", Home);
    }

    public string Home { get; }
    public Runspace Runspace { get; }
    public string HostOutput => _hostOutput.ToString();

    public Result Run(string script, bool throwOnError = false)
    {
        using var shell = PowerShell.Create();
        shell.Runspace = Runspace;
        shell.AddScript(script);
        Collection<PSObject> output;
        Exception? terminating = null;
        try
        {
            output = shell.Invoke();
        }
        catch (RuntimeException e)
        {
            output = new Collection<PSObject>();
            terminating = e;
        }
        var errors = shell.Streams.Error.ToList();
        if (terminating is RuntimeException { ErrorRecord: { } record }) errors.Add(record);
        var result = new Result(output.Select(o => o?.BaseObject).ToList(), errors,
            shell.Streams.Warning.Select(w => w.Message).ToList(),
            shell.Streams.Verbose.Select(v => v.Message).ToList(),
            shell.Streams.Progress.ToList());
        if (throwOnError && result.Errors.Count > 0)
            throw new Xunit.Sdk.XunitException($"Script failed: {script}{Environment.NewLine}{string.Join(Environment.NewLine, result.Errors.Select(e => $"{e.FullyQualifiedErrorId}: {e.ErrorDetails?.Message ?? e.Exception.Message}"))}");
        return result;
    }

    /// <summary>Runs a script that must succeed and returns its output objects of type <typeparamref name="T"/>.</summary>
    public List<T> Get<T>(string script) => Run(script, throwOnError: true).Output.OfType<T>().ToList();

    public void Dispose()
    {
        try
        {
            Run("Get-HaCluster -ErrorAction SilentlyContinue | Remove-HaCluster -Force -ErrorAction SilentlyContinue");
        }
        finally
        {
            Runspace.Dispose();
            TestHome.Delete(Home);
        }
    }

    public sealed record Result(List<object?> Output, List<ErrorRecord> Errors, List<string> Warnings, List<string> Verbose, List<ProgressRecord> Progress)
    {
        public ErrorRecord SingleError() => Assert.Single(Errors);
    }
}
