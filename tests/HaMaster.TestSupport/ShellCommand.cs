using System.Diagnostics;
using Xunit;

namespace HaMaster.TestSupport;

/// <summary>A command line for the machine's own shell (mount a tmpfs, unmount it), which must succeed.</summary>
public static class ShellCommand
{
    public static void Run(string command)
    {
        using var shell = Process.Start("/bin/sh", ["-c", command])!;
        shell.WaitForExit();
        Assert.True(shell.ExitCode == 0, $"'{command}' failed ({shell.ExitCode})");
    }
}
