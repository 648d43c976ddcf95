using System.Diagnostics;
using System.Text;
using HaMaster.TestSupport;

namespace HaMaster.Tests;

/// <summary>A separate process running a script through the script runner, as another PowerShell session would.</summary>
public sealed class RunnerProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    /// <param name="user">Another local user to run the script as, in its own home; else this process's user.</param>
    public RunnerProcess(string home, string script, IReadOnlyDictionary<string, string>? environment = null, SecondUser? user = null)
    {
        var file = Path.Combine(home, $"script-{Guid.NewGuid():N}.ps1");
        File.WriteAllText(file, script);
        var runner = Path.Combine(user?.Binaries ?? AppContext.BaseDirectory, "HaMaster.Runner.dll");
        var start = user is null ? new ProcessStartInfo(DotnetHost.Executable, [runner, file]) : user.StartInfo(DotnetHost.Executable, [runner, file]);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        start.Environment["HAMASTER_HOME"] = home;
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;
        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, e) => { lock (_output) _output.AppendLine(e.Data); };
        _process.ErrorDataReceived += (_, e) => { lock (_output) _output.AppendLine(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Output { get { lock (_output) return _output.ToString(); } }

    public int WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout)) throw new TimeoutException($"The runner did not finish within {timeout}. Output so far:\n{Output}");
        _process.WaitForExit();
        return _process.ExitCode;
    }

    public void Kill() => _process.Kill(entireProcessTree: false);

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill();
        _process.Dispose();
    }
}
