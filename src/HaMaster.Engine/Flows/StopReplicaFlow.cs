using HaMaster.Engine.Health;
using HaMaster.Engine.Model;

namespace HaMaster.Engine.Flows;

/// <summary>
/// Stops a replica without removing it. Gracefully (safety rule 7): out of the load balancer and etcd
/// leadership handed on first, then its processes or VM stopped cleanly; otherwise killed, as a crash
/// would. Not journaled: an interrupted stop leaves a replica that runs or is stopped, both states the
/// next command reads from the provider.
/// </summary>
public sealed class StopReplicaFlow : Flow
{
    private readonly ReplicaRecord _replica;

    public StopReplicaFlow(ClusterSession session, ClusterHealth health, ReplicaRecord replica, bool graceful) : base(session)
    {
        _replica = replica;
        var steps = new List<FlowStep>();
        if (graceful)
        {
            steps.Add(new("drain", "Take it out of the load balancer", ct => session.Provider.DrainAsync(session.State, replica, ct)));
            steps.Add(new("move-leader", "Move etcd leadership away from it", ct => session.MoveLeadershipAwayAsync(health, replica, ct)));
        }
        steps.Add(new("stop", graceful ? "Stop its processes cleanly" : "Kill its processes",
            ct => session.Provider.StopReplicaAsync(session.State, replica, graceful, ct)));
        Steps = steps;
    }

    public override string Activity => $"Stop replica {_replica.Name}";
    public override IReadOnlyList<FlowStep> Steps { get; }
}
