using System.Diagnostics;
using Xunit;

namespace HaMaster.TestSupport;

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

    /// <summary>Runs etcdctl against one replica's member, with that replica's own etcd certificate from the state folder in <paramref name="home"/>.</summary>
    public static string At(string home, string cluster, MasterReplica replica, params string[] command)
    {
        var pki = Path.Combine(home, "clusters", cluster, "pki");
        var own = Path.Combine(pki, "replicas", replica.Name);
        return Run([
            $"--endpoints=https://{replica.InternalAddress}:2379", $"--cacert={Path.Combine(pki, "etcd-ca.crt")}",
            $"--cert={Path.Combine(own, "etcd.crt")}", $"--key={Path.Combine(own, "etcd.key")}", "--command-timeout=20s",
            .. command,
        ]);
    }
}
