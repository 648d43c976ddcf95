namespace HaMaster.Tests.Model;

/// <summary>
/// What a cluster really is at one moment, seen from outside the module: its state file, the
/// processes carrying its folder on their command line, its files, its loopback reservation and
/// listening sockets, etcd's own member lists, HAProxy's backends and what the cluster address answers.
/// </summary>
public sealed class ClusterObservation
{
    /// <summary>Where the cluster's state file is (what its loopback reservation names).</summary>
    public required string StateFile { get; init; }
    /// <summary>The cluster's stable address.</summary>
    public required string ClusterAddress { get; init; }
    /// <summary>The state file's text, or null when there is none.</summary>
    public required string? StateText { get; init; }
    public required IReadOnlyList<ObservedReplica> Replicas { get; init; }
    public required bool HasPendingChange { get; init; }
    public required IReadOnlyList<ObservedProcess> Processes { get; init; }
    /// <summary>Entries of the cluster folder, and of its replicas/ and pki/replicas/ folders (as "replicas/x").</summary>
    public required IReadOnlySet<string> Files { get; init; }
    /// <summary>Whose name the reservation file of the cluster's loopback block holds, or null when there is none.</summary>
    public required string? ReservationOwner { get; init; }
    /// <summary>"address:port" of the sockets listening in the cluster's loopback block.</summary>
    public required IReadOnlySet<string> Listeners { get; init; }
    /// <summary>etcd's member list as each running replica's etcd answers it (replicas that did not answer are absent).</summary>
    public required IReadOnlyDictionary<string, IReadOnlyList<ObservedMember>> MembersSeenBy { get; init; }
    public required bool QuorumReadSucceeded { get; init; }
    public required bool LoadBalancerRunning { get; init; }
    /// <summary>HAProxy's backends and their states (Up is in rotation), or null when no HAProxy answers.</summary>
    public required IReadOnlyList<ObservedBackend>? Backends { get; init; }
    public required string? LoadBalancerConfig { get; init; }
    public required ClusterAddressAnswer AddressAnswer { get; init; }

    /// <summary>
    /// Everything a refused step must leave as it was: the state file, which process runs each
    /// replica (same pids: nothing restarted), the files, etcd's members and HAProxy's configuration.
    /// </summary>
    public string Fingerprint() => string.Join(Environment.NewLine,
        "state: " + StateText,
        "processes: " + string.Join(", ", Processes.Where(p => p.Owner != ObservedProcess.LoadBalancer).OrderBy(p => p.Pid).Select(p => $"{p.Pid} {p.Owner}")),
        "files: " + string.Join(", ", Files),
        "members: " + string.Join(", ", MembersSeenBy.Values.SelectMany(v => v).Select(m => $"{m.Id:x16} {m.Name}").Distinct().Order()),
        "load balancer: " + LoadBalancerConfig);

    public override string ToString() => string.Join(Environment.NewLine,
        $"  replicas (state file): {string.Join(", ", Replicas.Select(r => $"{r.Name} {r.Zone} {r.Address} {r.Phase}"))}{(HasPendingChange ? " PENDING" : "")}",
        $"  processes: {string.Join(", ", Processes.Select(p => $"{p.Pid} {p.Owner}"))}",
        $"  files: {string.Join(", ", Files)}",
        $"  reservation owner: {ReservationOwner ?? "none"}",
        $"  listeners: {string.Join(", ", Listeners)}",
        $"  etcd members: {string.Join("; ", MembersSeenBy.Select(s => $"seen by {s.Key}: {string.Join(", ", s.Value)}"))}",
        $"  quorum read: {(QuorumReadSucceeded ? "succeeded" : "failed")}",
        $"  load balancer: {(LoadBalancerRunning ? "running" : "not running")}, backends: {(Backends is null ? "none" : string.Join(", ", Backends))}",
        $"  cluster address {ClusterAddress}: {AddressAnswer}");
}

public sealed record ObservedReplica(string Name, string Zone, string Address, string Phase);

/// <summary>A process of the cluster and what it is for: "etcd x", "endpoint x", the load balancer, or unknown.</summary>
public sealed record ObservedProcess(int Pid, string Owner)
{
    public const string LoadBalancer = "load balancer";

    public static string Etcd(string replica) => $"etcd {replica}";
    public static string Endpoint(string replica) => $"endpoint {replica}";
}

public sealed record ObservedMember(ulong Id, string Name, string PeerUrl, bool IsLearner)
{
    public override string ToString() => $"{(Name.Length > 0 ? Name : "(unstarted)")} {PeerUrl}{(IsLearner ? " learner" : "")}";
}

public sealed record ObservedBackend(string Name, string State)
{
    public override string ToString() => $"{Name} {State}";
}

/// <summary>What GET /readyz on the cluster address answered, and which replica's certificate served it.</summary>
public sealed record ClusterAddressAnswer(int? Status, string? ServedBy, string? Problem)
{
    public bool Ready => Status == 200;

    public override string ToString() => Status is { } status ? $"{status} from {ServedBy ?? "an unknown certificate"}" : $"no answer ({Problem})";
}
