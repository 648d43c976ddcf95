using HaMaster.Engine.Model;

namespace HaMaster.Engine.Flows;

/// <summary>Deletes a whole cluster: every replica, the load balancer, the address and the state.</summary>
public static class RemoveClusterFlow
{
    public static async Task RunAsync(ClusterSession session, CancellationToken cancellationToken)
    {
        session.State.Pending = new PendingOperation { Kind = OperationKind.RemoveCluster, ProcessId = Environment.ProcessId, StartedAt = DateTimeOffset.UtcNow };
        session.Save();
        await TearDownAsync(session, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Idempotent: run again after an interruption, it finishes the job.</summary>
    public static async Task TearDownAsync(ClusterSession session, CancellationToken cancellationToken)
    {
        var state = session.State;
        var steps = new List<FlowStep>
        {
            new("address", $"Release the cluster address {state.Address} and its load balancer", ct => session.Provider.ReleaseClusterAddressAsync(state, ct)),
        };
        steps.AddRange(state.Replicas.ToList().Select(replica => new FlowStep(
            "delete-replica", $"Stop and wipe replica {replica.Name}", ct => session.Provider.DeleteReplicaAsync(state, replica, ct))));
        steps.Add(new("state", "Forget the cluster", _ =>
        {
            session.Store.Delete(state.Name);
            return Task.CompletedTask;
        }));
        await FlowRunner.RunAsync($"Remove cluster {state.Name}", steps, session, cancellationToken).ConfigureAwait(false);
    }
}
