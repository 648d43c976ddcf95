using System.Diagnostics;
using System.Text;
using HaMaster.Engine;
using HaMaster.TestSupport;
using Xunit;

namespace HaMaster.Gce.Tests.Ssh;

/// <summary>A server process for one test: output kept for failure messages, killed with its children on dispose.</summary>
internal sealed class BackgroundProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    public BackgroundProcess(string program, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        _process = new Process { StartInfo = start };
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        Name = Path.GetFileName(program);
    }

    public string Name { get; }
    public int Id => _process.Id;
    private bool _disposed;
    private bool _exitedAtDispose;

    /// <summary>Whether the process has ended; after <see cref="Dispose"/>, whether it had ended by then.</summary>
    public bool HasExited => _disposed ? _exitedAtDispose : _process.HasExited;

    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    /// <summary>Waits until <paramref name="ready"/> holds; fails the test with the process's output if it exits or the deadline passes.</summary>
    public async Task WaitUntilAsync(Func<bool> ready, TimeSpan timeout, string what)
    {
        await Eventually.HoldsAsync($"{Name}: {what}", () =>
        {
            // An assertion ends the wait at once: the process will not get ready once it has gone.
            Assert.False(_process.HasExited, $"{Name} exited before {what}:\n{Output}");
            return (ready(), $"not yet; output so far:\n{Output}");
        }, timeout);
    }

    public void Dispose()
    {
        if (_disposed) return;
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            _exitedAtDispose = _process.WaitForExit(10_000);
        }
        catch (InvalidOperationException)
        {
            _exitedAtDispose = true; // already gone
        }
        _disposed = true;
        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
    }
}
