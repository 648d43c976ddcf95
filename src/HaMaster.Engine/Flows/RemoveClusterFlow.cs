using HaMaster.Engine.Model;

namespace HaMaster.Engine.Flows;

/// <summary>
/// Deletes a whole cluster: the address and its load balancer, every replica, then the state. It
/// only goes forward: interrupted, the next command on the cluster runs it again (every step is idempotent).
/// </summary>
public sealed class RemoveClusterFlow : Flow
{
    public RemoveClusterFlow(ClusterSession session) : base(session)
    {
        var state = session.State;
        var steps = new List<FlowStep>
        {
            new("address", $"Release the cluster address {state.Address} and its load balancer", ct => session.Provider.ReleaseClusterAddressAsync(state, ct))
            {
                PointOfNoReturn = true,
            },
        };
        steps.AddRange(state.Replicas.ToList().Select(replica => new FlowStep(
            "delete-replica", $"Stop and wipe replica {replica.Name}", ct => session.Provider.DeleteReplicaAsync(state, replica, ct))));
        steps.Add(new("state", "Forget the cluster", _ =>
        {
            session.Store.Delete(state.Name);
            return Task.CompletedTask;
        }));
        Steps = steps;
    }

    public override string Activity => $"Remove cluster {Session.Name}";
    public override OperationKind? Journal => OperationKind.RemoveCluster;
    public override IReadOnlyList<FlowStep> Steps { get; }
}
