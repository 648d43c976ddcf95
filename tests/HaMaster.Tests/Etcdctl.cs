using System.Diagnostics;

namespace HaMaster.Tests;

/// <summary>etcd's own command-line client (Debian's etcd-client), for tests that must not trust the module's client.</summary>
public static class Etcdctl
{
    /// <summary>Runs etcdctl with the v3 API; returns what it printed, failing the test when it fails.</summary>
    public static string Run(IEnumerable<string> arguments)
    {
        var list = arguments.ToList();
        using var etcdctl = Process.Start(new ProcessStartInfo("etcdctl", list)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { ["ETCDCTL_API"] = "3" },
        })!;
        var output = etcdctl.StandardOutput.ReadToEndAsync();
        var error = etcdctl.StandardError.ReadToEnd();
        etcdctl.WaitForExit();
        Assert.True(etcdctl.ExitCode == 0, $"etcdctl {string.Join(' ', list)} failed: {error}");
        return output.Result;
    }
}
