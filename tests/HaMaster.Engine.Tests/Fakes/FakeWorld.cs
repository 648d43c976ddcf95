using HaMaster.Engine.Etcd;

namespace HaMaster.Engine.Tests.Fakes;

/// <summary>
/// An in-memory cloud and etcd cluster for the fast flow tests: replica machines (running, with data),
/// etcd's members, the replicas behind the cluster address and whether the address is reserved. It
/// keeps etcd's own rules that the flows rely on: one learner at a time, no membership change while a
/// voter is down (--strict-reconfig-check), a learner promoted only once started, answers only
/// from running members, quorum reads only with a majority of voters running.
/// </summary>
public sealed class FakeWorld
{
    private ulong _nextMemberId = 0x1000;

    public Dictionary<string, FakeMachine> Machines { get; private set; } = new(StringComparer.Ordinal);
    public List<FakeMember> Members { get; private set; } = [];
    public HashSet<string> Frontend { get; set; } = new(StringComparer.Ordinal);
    public bool AddressReserved { get; set; }
    public ulong? PreferredLeader { get; set; }
    public Dictionary<string, string> Keys { get; private set; } = new(StringComparer.Ordinal);
    public List<string> Calls { get; } = [];

    /// <summary>etcd's alarm list, one for the whole cluster.</summary>
    public List<EtcdAlarm> Alarms { get; private set; } = [];

    /// <summary>How many status requests still go unanswered, as from members behind a slow link.</summary>
    public int UnansweredStatusRequests { get; set; }

    /// <summary>Whether the provider restarts a replica in seconds (<see cref="Providers.IReplicaProvider.RestartsInSeconds"/>).</summary>
    public bool RestartsInSeconds { get; set; }

    /// <summary>
    /// When set, the next replica started to join the cluster publishes itself (the leader lists it
    /// as started) but answers nothing until it is started again: etcd's publish lost in a raft snapshot.
    /// </summary>
    public bool StallNextJoin { get; set; }

    /// <summary>When set, the next replica started as a new cluster (a restore's) answers nothing until it is started again.</summary>
    public bool StallNextNewCluster { get; set; }

    /// <summary>When set, every snapshot request fails with this reason.</summary>
    public string? SnapshotFailure { get; set; }

    public FakeWorld Clone() => new()
    {
        _nextMemberId = _nextMemberId,
        Machines = Machines.ToDictionary(m => m.Key, m => m.Value with { }),
        Members = Members.Select(m => m with { }).ToList(),
        Frontend = [.. Frontend],
        AddressReserved = AddressReserved,
        PreferredLeader = PreferredLeader,
        Keys = new Dictionary<string, string>(Keys),
        Alarms = [.. Alarms],
    };

    /// <summary>Puts the world back as <paramref name="snapshot"/> saw it (what a killed command left).</summary>
    public void RestoreFrom(FakeWorld snapshot)
    {
        var copy = snapshot.Clone();
        _nextMemberId = copy._nextMemberId;
        Machines = copy.Machines;
        Members = copy.Members;
        Frontend = copy.Frontend;
        AddressReserved = copy.AddressReserved;
        PreferredLeader = copy.PreferredLeader;
        Keys = copy.Keys;
        Alarms = copy.Alarms;
    }

    public void Record(string call)
    {
        lock (Calls) Calls.Add(call);
    }

    public FakeMachine? MachineAt(string address) => Machines.Values.FirstOrDefault(m => m.Address == address);

    public IEnumerable<FakeMember> Voters => Members.Where(m => !m.IsLearner);

    public bool HasQuorum => Voters.Count(IsRunning) >= Voters.Count() / 2 + 1;

    public bool IsRunning(FakeMember member) => MachineAt(Host(member.PeerUrl)) is { Running: true };

    public ulong LeaderId
    {
        get
        {
            if (!HasQuorum) return 0;
            var running = Voters.Where(IsRunning).ToList();
            return (running.FirstOrDefault(m => m.Id == PreferredLeader) ?? running[0]).Id;
        }
    }

    public ulong NewMemberId() => _nextMemberId++;

    /// <summary>An engine whose clusters live in this world, with waits short enough for in-memory tests.</summary>
    public HaEngine Engine(string root, IOperationObserver? observer = null, EngineOptions? options = null) =>
        new(new HaMaster.Engine.State.StateDirectory(root), _ => new FakeReplicaProvider(this), observer ?? NullObserver.Instance,
            options ?? FastOptions, (_, _) => new FakeApiProbe(this));

    public static readonly EngineOptions FastOptions = new() { SettleInterval = TimeSpan.FromMilliseconds(1), VoterPatience = TimeSpan.FromSeconds(5) };

    public static string Host(string url) => new Uri(url).Host;

    /// <summary>What a test compares: machines, members, the frontend and the address, in a stable order.</summary>
    public string Describe() => string.Join("\n",
        Machines.Values.OrderBy(m => m.Name).Select(m => $"machine {m.Name} {m.Address} {(m.Running ? "running" : "stopped")}")
            .Concat(Members.OrderBy(m => m.PeerUrl).Select(m => $"member {m.Name} {m.PeerUrl} {(m.IsLearner ? "learner" : "voter")}"))
            .Append($"frontend {string.Join(",", Frontend.Order())}")
            .Append($"address {(AddressReserved ? "reserved" : "released")}"));
}

public sealed record FakeMachine(string Name, string Address)
{
    /// <summary>Where the machine is reached from outside (a documentation range, never a target).</summary>
    public string ExternalAddress => "198.51.100." + Address.Split('.')[3];

    public bool Running { get; set; }

    /// <summary>Running, yet its etcd member answers nothing (<see cref="FakeWorld.StallNextJoin"/>).</summary>
    public bool Silent { get; set; }

    /// <summary>The cluster's machine type when the machine was made (<see cref="FakeReplicaProvider.MachineTypeKey"/>); null: none recorded.</summary>
    public string? MachineType { get; init; }
}

public sealed record FakeMember(ulong Id, string PeerUrl)
{
    /// <summary>Empty until the member has started, as in etcd's member list.</summary>
    public string Name { get; set; } = "";
    public bool IsLearner { get; set; }
    /// <summary>The database file's size, and the part of it that holds data; a defragmentation makes them equal.</summary>
    public long DbSize { get; set; } = 4096;
    public long DbSizeInUse { get; set; } = 4096;

    public EtcdMemberInfo ToInfo() => new(Id, Name, [PeerUrl], Name.Length == 0 ? [] : [PeerUrl.Replace(":2380", ":2379", StringComparison.Ordinal)], IsLearner);
}
