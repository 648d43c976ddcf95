using System.Diagnostics;
using HaMaster.TestSupport;

namespace HaMaster.Tests;

/// <summary>
/// The machine's "nobody" user, as another local user of the same machine: a home of its own (a
/// short temporary folder it owns) and a copy of the test binaries it can read wherever the
/// repository was cloned. Needs root, as the test command does (it installs packages).
/// </summary>
public sealed class SecondUser : IDisposable
{
    public const int Id = 65534;

    public SecondUser()
    {
        Assert.True(Environment.UserName == "root", "Tests of a second local user switch to user 'nobody' and need root, as scripts/test.sh does.");
        Home = TestHome.Create();
        Binaries = Home + "-bin";
        ShellCommand.Run($"cp -r '{AppContext.BaseDirectory}' '{Binaries}' && chmod -R a+rX '{Binaries}' && chown {Id}:{Id} '{Home}'");
    }

    public string Home { get; }

    public string Binaries { get; }

    /// <summary>Runs a program as this user; returns its exit code.</summary>
    public int Run(string program, params string[] arguments)
    {
        using var process = Process.Start(StartInfo(program, arguments))!;
        process.WaitForExit();
        return process.ExitCode;
    }

    /// <summary>How to start <paramref name="program"/> as this user, with its own home.</summary>
    public ProcessStartInfo StartInfo(string program, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo("setpriv") { UseShellExecute = false };
        foreach (var argument in new[] { $"--reuid={Id}", $"--regid={Id}", "--clear-groups", "--", program }.Concat(arguments))
            start.ArgumentList.Add(argument);
        start.Environment["HOME"] = Home;
        start.Environment.Remove("XDG_DATA_HOME");
        return start;
    }

    public void Dispose()
    {
        TestHome.Delete(Home);
        Directory.Delete(Binaries, recursive: true);
    }
}
