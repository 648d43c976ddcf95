namespace HaMaster.Engine;

/// <summary>
/// How long the engine waits for each thing it waits on. One record, given to <see cref="HaEngine"/>;
/// the defaults are what the cmdlets use.
/// </summary>
public sealed record EngineOptions
{
    public static readonly EngineOptions Default = new();

    /// <summary>How long a command waits for another command on the same cluster to finish (safety rule 1).</summary>
    public TimeSpan LockTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How long a new etcd learner may take to catch up before its promotion is given up (safety rule 2).</summary>
    public TimeSpan PromotionTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long an etcd learner the leader lists as started may not answer before it is restarted (<see cref="Flows.StalledLearner"/>).</summary>
    public TimeSpan PublishPatience { get; init; } = TimeSpan.FromMilliseconds(300);

    /// <summary>
    /// How long the replica a restore starts as the new cluster may answer nothing before it is
    /// restarted once, where the provider restarts replicas in seconds (<see cref="Flows.RestoreClusterFlow"/>).
    /// </summary>
    public TimeSpan RestoredReplicaPatience { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>How long a replica started or added may take to become a healthy voter with a ready API.</summary>
    public TimeSpan ReadyTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long one API readiness probe may take.</summary>
    public TimeSpan ProbeTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How many health snapshots a safety decision may take, <see cref="SettleInterval"/> apart, while a
    /// replica whose machinery runs looks unhealthy (one slow probe on a loaded machine must not refuse a change).
    /// </summary>
    public int SettleLooks { get; init; } = 6;

    public TimeSpan SettleInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// How long a command waits for some etcd voter to answer before it says none does: a voter behind
    /// a slow link (an SSH tunnel being opened, a busy machine) is slow, not gone.
    /// </summary>
    public TimeSpan VoterPatience { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long streaming one etcd snapshot into a backup may take.</summary>
    public TimeSpan BackupTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>How long defragmenting one etcd member may take (it answers nothing meanwhile).</summary>
    public TimeSpan DefragmentTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Runs just before each flow step, after the journal names it: by default the fault drills'
    /// pause (<see cref="Flows.DrillPause"/>); tests interrupt flows there.
    /// </summary>
    public Func<string, IOperationObserver, CancellationToken, Task> BeforeStep { get; init; } = Flows.DrillPause.BeforeAsync;
}
