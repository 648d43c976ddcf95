namespace HaMaster.Tests.Model;

/// <summary>
/// What must hold between two steps, comparing the real cluster with the model: etcd members are
/// the replicas (running ones answer, no learner left over), HAProxy exists iff there are two
/// replicas or more and keeps exactly the healthy ones in rotation, a quorum read succeeds exactly
/// when the model keeps quorum, and no process, file, reservation or address belongs to anything
/// the model does not have.
/// </summary>
public static class Invariants
{
    public static IReadOnlyList<string> Violations(ClusterModel model, ClusterObservation seen)
    {
        var violations = new List<string>();
        void Expect(bool holds, string what)
        {
            if (!holds) violations.Add(what);
        }

        StateFile(model, seen, Expect);
        Processes(model, seen, Expect);
        Files(model, seen, Expect);
        Addresses(model, seen, Expect);
        Etcd(model, seen, Expect);
        LoadBalancer(model, seen, Expect);
        return violations;
    }

    /// <summary>What must hold once Remove-HaCluster has run: no state, process, file, reservation or listening socket left.</summary>
    public static IReadOnlyList<string> RemovalViolations(ClusterObservation seen)
    {
        var violations = new List<string>();
        if (seen.StateText is not null) violations.Add("the state file is still there");
        if (seen.Processes.Count > 0) violations.Add($"processes left: {Join(seen.Processes.Select(p => $"{p.Pid} {p.Owner}"))}");
        if (seen.Files.Count > 0) violations.Add($"files left in the cluster folder: {Join(seen.Files)}");
        if (seen.ReservationOwner == seen.StateFile) violations.Add("the loopback block is still reserved");
        if (seen.Listeners.Count > 0) violations.Add($"sockets still listen in the block: {Join(seen.Listeners)}");
        return violations;
    }

    /// <summary>The state file records exactly the model's replicas, in their zones, with no change left pending.</summary>
    private static void StateFile(ClusterModel model, ClusterObservation seen, Action<bool, string> expect)
    {
        expect(seen.StateText is not null, "the state file is missing");
        expect(SameSet(seen.Replicas.Select(r => r.Name), Names(model)), $"the state file records [{Join(seen.Replicas.Select(r => r.Name))}], the model [{Join(Names(model))}]");
        foreach (var replica in model.Replicas)
        {
            var recorded = seen.Replicas.FirstOrDefault(r => r.Name == replica.Name);
            expect(recorded is null || recorded.Zone == replica.Zone, $"{replica.Name} is recorded in zone {recorded?.Zone}, the model says {replica.Zone}");
        }
        expect(seen.Replicas.All(r => r.Phase == "Active"), $"replicas not Active: {Join(seen.Replicas.Where(r => r.Phase != "Active").Select(r => $"{r.Name} {r.Phase}"))}");
        expect(!seen.HasPendingChange, "the state file records a pending change");
    }

    /// <summary>One etcd and one API endpoint per running replica, none for a stopped or removed one, HAProxy only with two replicas or more, nothing else.</summary>
    private static void Processes(ClusterModel model, ClusterObservation seen, Action<bool, string> expect)
    {
        var owners = model.Replicas.SelectMany(r => new[] { ObservedProcess.Etcd(r.Name), ObservedProcess.Endpoint(r.Name) }).Append(ObservedProcess.LoadBalancer).ToHashSet();
        foreach (var orphan in seen.Processes.Where(p => !owners.Contains(p.Owner)))
            expect(false, $"orphan process {orphan.Pid}: {orphan.Owner}");
        foreach (var replica in model.Replicas)
        {
            var expected = replica.Running ? 1 : 0;
            foreach (var owner in new[] { ObservedProcess.Etcd(replica.Name), ObservedProcess.Endpoint(replica.Name) })
            {
                var count = seen.Processes.Count(p => p.Owner == owner);
                expect(count == expected, $"{owner}: {count} process(es), expected {expected}");
            }
        }
        var wantsLoadBalancer = WantsLoadBalancer(model);
        expect(wantsLoadBalancer == seen.LoadBalancerRunning, wantsLoadBalancer ? "HAProxy does not run with 2 replicas or more" : "HAProxy runs with a single replica");
        expect(wantsLoadBalancer || seen.Processes.All(p => p.Owner != ObservedProcess.LoadBalancer), "HAProxy processes are left with a single replica");
    }

    /// <summary>
    /// The cluster folder holds the state and the state before its last save, the lock, the
    /// certificates and one folder per replica (with its data, unless the model lost it), plus lb/
    /// with a load balancer and backups/ once a change took one (rule 12); the block stays reserved.
    /// </summary>
    private static void Files(ClusterModel model, ClusterObservation seen, Action<bool, string> expect)
    {
        string[] top = ["cluster.json", "cluster.json.previous", "cluster.lock", "pki", "replicas", .. WantsLoadBalancer(model) ? new[] { "lb" } : []];
        var seenTop = Under(seen.Files, "").Where(f => f != "backups").ToList();
        expect(SameSet(seenTop, top), $"the cluster folder holds [{Join(seenTop)}], expected [{Join(top)}]");
        Backups(Under(seen.Files, "backups/").ToList(), expect);
        expect(SameSet(Under(seen.Files, "replicas/"), Names(model)), $"replica folders [{Join(Under(seen.Files, "replicas/"))}] are not the model's replicas");
        expect(SameSet(Under(seen.Files, "pki/replicas/"), Names(model)), $"replica certificate folders [{Join(Under(seen.Files, "pki/replicas/"))}] are not the model's replicas");
        foreach (var replica in model.Replicas)
            expect(seen.Files.Contains($"replicas/{replica.Name}/etcd-data") != replica.DataLost,
                replica.DataLost ? $"{replica.Name} has an etcd data folder after losing it" : $"{replica.Name} has no etcd data folder");
        expect(seen.ReservationOwner == seen.StateFile, $"the loopback block's reservation names '{seen.ReservationOwner}', not the cluster's state file");
    }

    /// <summary>Only whole backups (a snapshot and its manifest), no partial file, and no more automatic ones than the retention.</summary>
    private static void Backups(List<string> files, Action<bool, string> expect)
    {
        var snapshots = files.Where(f => f.EndsWith(".db", StringComparison.Ordinal)).Select(Path.GetFileNameWithoutExtension).ToList();
        var manifests = files.Where(f => f.EndsWith(".json", StringComparison.Ordinal)).Select(Path.GetFileNameWithoutExtension).ToList();
        expect(files.Count == snapshots.Count + manifests.Count, $"backups/ holds files that are not whole backups: [{Join(files)}]");
        expect(SameSet(snapshots, manifests), $"backups/ holds a snapshot without its manifest or the other way round: [{Join(files)}]");
        expect(snapshots.Count <= Engine.Model.ClusterState.DefaultBackupRetention, $"{snapshots.Count} automatic backups kept, more than the retention of {Engine.Model.ClusterState.DefaultBackupRetention}");
    }

    /// <summary>Exactly the sockets of running replicas listen in the block, and the cluster address while HAProxy or the only replica serves it.</summary>
    private static void Addresses(ClusterModel model, ClusterObservation seen, Action<bool, string> expect)
    {
        var address = AddressOf(seen);
        var listeners = model.Replicas.Where(r => r.Running && address.ContainsKey(r.Name))
            .SelectMany(r => new[] { $"{address[r.Name]}:2379", $"{address[r.Name]}:2380", $"{address[r.Name]}:6443" }).ToList();
        if (WantsLoadBalancer(model) || model.Replicas[0].Running) listeners.Add($"{seen.ClusterAddress}:6443");
        expect(SameSet(seen.Listeners, listeners), $"listening in the block: [{Join(seen.Listeners)}], expected [{Join(listeners.Order())}]");
    }

    /// <summary>
    /// Every running replica's etcd answers with the same members, the model's replicas, none a
    /// learner, and a quorum read succeeds exactly when the model keeps quorum. Without quorum a
    /// member that was restarted serves no client before it has published itself through raft,
    /// so then only the answers that come are checked.
    /// </summary>
    private static void Etcd(ClusterModel model, ClusterObservation seen, Action<bool, string> expect)
    {
        var running = model.Replicas.Where(r => r.Running).Select(r => r.Name).ToHashSet();
        expect(model.HasQuorum ? running.SetEquals(seen.MembersSeenBy.Keys) : running.IsSupersetOf(seen.MembersSeenBy.Keys),
            $"etcd member lists came from [{Join(seen.MembersSeenBy.Keys)}], expected {(model.HasQuorum ? "every" : "only a")} running replica [{Join(running)}]");
        var address = AddressOf(seen);
        var expectedMembers = model.Replicas.Where(r => address.ContainsKey(r.Name)).Select(r => $"{r.Name} https://{address[r.Name]}:2380").ToList();
        foreach (var (replica, members) in seen.MembersSeenBy)
        {
            expect(SameSet(members.Select(m => $"{m.Name} {m.PeerUrl}"), expectedMembers), $"etcd as seen by {replica} has members [{Join(members)}], expected [{Join(expectedMembers)}]");
            expect(members.All(m => !m.IsLearner), $"etcd as seen by {replica} has a learner left over: {Join(members.Where(m => m.IsLearner))}");
        }
        expect(seen.QuorumReadSucceeded == model.HasQuorum, model.HasQuorum ? "a quorum read failed although a majority runs" : "a quorum read succeeded although the model has no majority running");
    }

    /// <summary>HAProxy keeps exactly the healthy replicas in rotation; the cluster address answers, from a healthy replica, exactly while quorum holds.</summary>
    private static void LoadBalancer(ClusterModel model, ClusterObservation seen, Action<bool, string> expect)
    {
        var healthy = model.ServingReplicas.Select(r => r.Name).ToHashSet();
        if (WantsLoadBalancer(model))
        {
            expect(seen.Backends is not null, "HAProxy's stats socket does not answer");
            var backends = seen.Backends ?? [];
            var inRotation = backends.Where(b => b.State == "Up").ToList();
            expect(SameSet(backends.Select(b => b.Name), Names(model)), $"HAProxy's backends are [{Join(backends)}], expected [{Join(Names(model))}]");
            expect(SameSet(inRotation.Select(b => b.Name), healthy), $"HAProxy has in rotation [{Join(inRotation)}], the healthy replicas are [{Join(healthy)}]");
        }
        var answer = seen.AddressAnswer;
        if (model.HasQuorum)
            expect(answer.Ready && answer.ServedBy is { } server && healthy.Contains(server), $"the cluster address should answer /readyz with 200 from a healthy replica: {answer}");
        else
            expect(!answer.Ready, $"the cluster address answered /readyz without quorum: {answer}");
    }

    private static bool WantsLoadBalancer(ClusterModel model) => model.Count >= 2;

    private static IEnumerable<string> Names(ClusterModel model) => model.Replicas.Select(r => r.Name);

    private static Dictionary<string, string> AddressOf(ClusterObservation seen) => seen.Replicas.ToDictionary(r => r.Name, r => r.Address);

    /// <summary>The entries directly in <paramref name="folder"/> ("" for the cluster folder itself).</summary>
    private static IEnumerable<string> Under(IEnumerable<string> files, string folder) =>
        files.Where(f => f.StartsWith(folder, StringComparison.Ordinal) && !f[folder.Length..].Contains('/')).Select(f => f[folder.Length..]);

    private static bool SameSet<T>(IEnumerable<T> actual, IEnumerable<T> expected) => actual.ToHashSet().SetEquals(expected);

    private static string Join<T>(IEnumerable<T> items) => string.Join(", ", items);
}
