using System.Net;
using System.Net.Sockets;
using HaMaster.TestSupport;

namespace HaMaster.Tests;

/// <summary>
/// Another program holding a replica's port (issue 14, point 5): a plain connect is answered by it,
/// so the start must see that its own process listens. A new replica skips an address in use, and
/// one whose port is taken between its choice and its start fails at once, quoting etcd's own cause.
/// </summary>
public sealed class ForeignListenerTests : IDisposable
{
    private readonly PowerShellSession _ps = new();

    [Fact]
    public void An_address_in_use_is_skipped_and_a_port_taken_during_the_add_fails_it_at_once_with_the_cause()
    {
        var first = Assert.Single(_ps.Get<MasterReplica>("New-HaCluster -Name fl | Get-MasterReplica"));
        var prefix = first.InternalAddress[..first.InternalAddress.LastIndexOf('.')];
        using var inUse = Listen($"{prefix}.3", 2379);

        var added = Assert.Single(_ps.Get<MasterReplica>("Add-MasterReplica -Cluster fl"));
        Assert.NotEqual($"{prefix}.3", added.InternalAddress);
        Assert.True(added.Healthy, string.Join("; ", added.Problems));

        var release = Path.Combine(_ps.Home, "release");
        using var runner = new RunnerProcess(_ps.Home, "Add-MasterReplica -Cluster fl",
            new Dictionary<string, string> { ["HAMASTER_DRILL_PAUSE"] = "start:600", ["HAMASTER_DRILL_RELEASE"] = release });
        Eventually.Holds("the add to reach its start step", () => ClusterStateFile.PendingStep(_ps.Home, "fl") == "start", TimeSpan.FromSeconds(60));
        var joining = ClusterStateFile.Read(_ps.Home, "fl").GetProperty("replicas").EnumerateArray()
            .Single(r => r.GetProperty("phase").GetString() == "Joining").GetProperty("internalAddress").GetString()!;
        using var taken = Listen(joining, 2379);
        File.WriteAllText(release, "");

        Assert.NotEqual(0, runner.WaitForExit(TimeSpan.FromMinutes(2)));
        Assert.Contains("did not start. It logged: ", runner.Output);
        Assert.Contains($"listen tcp {joining}:2379: bind: address already in use", runner.Output);
        Assert.Equal(2, _ps.Get<MasterReplica>("Get-MasterReplica fl").Count);
        Assert.All(_ps.Get<EtcdMember>("Get-EtcdMember fl"), m => Assert.True(m.Healthy && !m.IsLearner, m.Problem));
    }

    private static TcpListener Listen(string address, int port)
    {
        var listener = new TcpListener(IPAddress.Parse(address), port);
        listener.Start();
        return listener;
    }

    public void Dispose() => _ps.Dispose();
}
