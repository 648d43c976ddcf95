using HaMaster.Engine.Health;

namespace HaMaster.Engine.Tests.Fakes;

/// <summary>An API server per running machine, ready while etcd has a quorum (as the module's endpoint is).</summary>
public sealed class FakeApiProbe(FakeWorld world) : IApiProbe
{
    public Task<string?> ReadyProblemAsync(string address, string certificateName, int port, CancellationToken cancellationToken)
    {
        var serving = address == FakeReplicaProvider.ClusterAddress
            ? world.Frontend.Select(name => world.Machines.GetValueOrDefault(name)).FirstOrDefault(m => m is { Running: true })
            : world.MachineAt(address);
        if (serving is not { Running: true }) return Task.FromResult<string?>("/readyz unreachable: Connection refused");
        return Task.FromResult(world.HasQuorum ? null : $"{ApiProbe.AnsweredNotReady} 503: etcd: no linearizable read within 1s");
    }

    public void Dispose()
    {
    }
}
