using HaMaster.Engine.Model;
using HaMaster.Engine.Providers;
using HaMaster.Gce.Compute;

namespace HaMaster.Gce;

/// <summary>
/// The statuses of a Compute Engine instance (<c>Instance.status</c>) and what each means for a replica:
/// on its way up, running, on its way down, stopped, suspended or repaired.
/// </summary>
public static class GceInstanceStatus
{
    public const string Provisioning = "PROVISIONING";
    public const string Staging = "STAGING";
    public const string Running = Instance.StatusRunning;
    public const string Stopping = "STOPPING";
    public const string Terminated = Instance.StatusTerminated;
    public const string Suspending = "SUSPENDING";
    public const string Suspended = "SUSPENDED";
    public const string Repairing = "REPAIRING";

    public static bool IsStopping(string? status) => status is Stopping;

    public static bool IsStopped(string? status) => status is Terminated;

    public static bool IsSuspended(string? status) => status is Suspending or Suspended;

    /// <summary>
    /// What an instance's status means for a replica: RUNNING → Running; TERMINATED, STOPPING,
    /// SUSPENDED → Stopped; PROVISIONING, STAGING, REPAIRING → Partial (neither etcd nor the API can
    /// answer yet); gone → Missing.
    /// </summary>
    public static ReplicaRuntime Runtime(ReplicaRecord replica, Instance? instance)
    {
        if (instance is null)
            return new ReplicaRuntime(ReplicaStatus.Missing, [$"VM {replica.Name} does not exist in zone {replica.Zone}"]);
        return instance.Status switch
        {
            Running => new ReplicaRuntime(ReplicaStatus.Running, []),
            Terminated => new ReplicaRuntime(ReplicaStatus.Stopped, [$"VM {replica.Name} is stopped (TERMINATED)"]),
            Stopping => new ReplicaRuntime(ReplicaStatus.Stopped, [$"VM {replica.Name} is stopping"]),
            Suspending or Suspended => new ReplicaRuntime(ReplicaStatus.Stopped, [$"VM {replica.Name} is suspended ({instance.Status})"]),
            Provisioning or Staging => NotRunning($"VM {replica.Name} is starting ({instance.Status})"),
            Repairing => NotRunning($"VM {replica.Name} is being repaired by Compute Engine"),
            var other => NotRunning($"VM {replica.Name} is in state {other ?? "(none)"}"),
        };
    }

    /// <summary>A VM on its way up or down: neither etcd nor the API server can answer yet.</summary>
    private static ReplicaRuntime NotRunning(string problem) => new(ReplicaStatus.Partial, [problem]) { EtcdDown = true, ApiDown = true };
}
