using HaMaster.Engine.Model;
using HaMaster.Engine.Providers;
using HaMaster.Gce.Compute;

namespace HaMaster.Gce;

/// <summary>
/// The statuses of a Compute Engine instance (<c>Instance.status</c> in the Compute v1 schema) and what
/// each means for a replica: on its way up, running, on its way down, stopped, suspended or repaired.
/// </summary>
public static class GceInstanceStatus
{
    /// <summary>Waiting for capacity (Flex-start VMs); it goes on to PROVISIONING.</summary>
    public const string Pending = "PENDING";
    public const string Provisioning = "PROVISIONING";
    public const string Staging = "STAGING";
    public const string Running = Instance.StatusRunning;
    /// <summary>Shutting down gracefully; it goes on to STOPPING.</summary>
    public const string PendingStop = "PENDING_STOP";
    public const string Stopping = "STOPPING";
    /// <summary>Halted, its resources being released; it goes on to TERMINATED.</summary>
    public const string Deprovisioning = "DEPROVISIONING";
    /// <summary>Stopped by a request or by a failure.</summary>
    public const string Terminated = Instance.StatusTerminated;
    /// <summary>Stopped successfully.</summary>
    public const string Stopped = "STOPPED";
    public const string Suspending = "SUSPENDING";
    public const string Suspended = "SUSPENDED";
    public const string Repairing = "REPAIRING";

    /// <summary>The statuses of a stopped instance, which <c>instances.start</c> starts.</summary>
    public static readonly IReadOnlyList<string> StoppedStatuses = [Terminated, Stopped];

    /// <summary>PENDING, PROVISIONING, STAGING: it becomes RUNNING without being asked again.</summary>
    public static bool IsStarting(string? status) => status is Pending or Provisioning or Staging;

    /// <summary>PENDING_STOP, STOPPING, DEPROVISIONING: it becomes stopped; starting it must wait until then.</summary>
    public static bool IsStopping(string? status) => status is PendingStop or Stopping or Deprovisioning;

    /// <summary>TERMINATED, STOPPED: <c>instances.start</c> starts it.</summary>
    public static bool IsStopped(string? status) => status is Terminated or Stopped;

    public static bool IsSuspended(string? status) => status is Suspending or Suspended;

    /// <summary>
    /// What an instance's status means for a replica: RUNNING → Running; stopped, stopping or suspended
    /// → Stopped; on its way up or being repaired → Partial (neither etcd nor the API can answer yet);
    /// gone → Missing.
    /// </summary>
    public static ReplicaRuntime Runtime(ReplicaRecord replica, Instance? instance)
    {
        if (instance is null)
            return new ReplicaRuntime(ReplicaStatus.Missing, [$"VM {replica.Name} does not exist in zone {replica.Zone}"]);
        var status = instance.Status;
        return status switch
        {
            Running => new ReplicaRuntime(ReplicaStatus.Running, []),
            _ when IsStopped(status) => new ReplicaRuntime(ReplicaStatus.Stopped, [$"VM {replica.Name} is stopped ({status})"]),
            Stopping => new ReplicaRuntime(ReplicaStatus.Stopped, [$"VM {replica.Name} is stopping"]),
            _ when IsStopping(status) => new ReplicaRuntime(ReplicaStatus.Stopped, [$"VM {replica.Name} is stopping ({status})"]),
            _ when IsSuspended(status) => new ReplicaRuntime(ReplicaStatus.Stopped, [$"VM {replica.Name} is suspended ({status})"]),
            _ when IsStarting(status) => NotRunning($"VM {replica.Name} is starting ({status})"),
            Repairing => NotRunning($"VM {replica.Name} is being repaired by Compute Engine"),
            _ => NotRunning($"VM {replica.Name} is in state {status ?? "(none)"}"),
        };
    }

    /// <summary>A VM on its way up or down: neither etcd nor the API server can answer yet.</summary>
    private static ReplicaRuntime NotRunning(string problem) => new(ReplicaStatus.Partial, [problem]) { EtcdDown = true, ApiDown = true };
}
