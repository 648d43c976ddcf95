using System.Diagnostics;
using System.Management.Automation;
using HaMaster.Engine.Etcd;
using HaMaster.Local.Processes;

namespace HaMaster.Bench;

/// <summary>
/// A full disk under a follower's etcd. Arranged (not timed): the replica is stopped, its data moves
/// to a small tmpfs with 1 MiB to spare, and it starts again. The fault: 64 KiB values written through
/// another member until that etcd stops on the full disk (the fault's time is its exit). Get-MasterReplica
/// shows the replica Unhealthy with "no space left on device"; the operator frees the disk (here: unmounts
/// it) and the repair pipeline replaces the replica.
/// </summary>
public sealed class FullDiskDrill : FaultDrill
{
    private const long Spare = 1024 * 1024;
    private const int ValueBytes = 64 * 1024;
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan FillTimeout = TimeSpan.FromSeconds(60);
    private TmpfsMount? _mount;

    public override string Key => "fullDisk";
    public override string Label => "a follower's data directory on a full disk (tmpfs, 1 MiB to spare)";
    public override string Command => Scenarios.RepairPipeline;

    /// <summary>How much the last run wrote until the etcd stopped.</summary>
    public long FilledBytes { get; private set; }

    public override string? ChooseVictim(IReadOnlyList<PSObject> replicas) =>
        replicas.First(r => r.Get<string>("EtcdRole") == "Follower").Get<string>("Name");

    public override void Arrange(DrillTarget target)
    {
        var shell = target.Home.Shell;
        shell.Run($"Stop-MasterReplica -Cluster {target.Cluster} -Name {target.VictimName}", CommandTimeout);
        var data = target.Home.Layout(target.Cluster, target.VictimName).EtcdData;
        var saved = data + ".saved";
        Directory.Move(data, saved);
        Directory.CreateDirectory(data);
        var used = Directory.GetFiles(saved, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
        _mount = TmpfsMount.Mount(data, used + Spare);
        ExternalCommand.Run("cp", "-a", saved + "/.", data);
        shell.Run($"Start-MasterReplica -Cluster {target.Cluster} -Name {target.VictimName}", CommandTimeout);
    }

    public override long Inject(DrillTarget target)
    {
        var marker = target.Home.Layout(target.Cluster, target.VictimName).EtcdMarker;
        var pid = DetachedProcess.FindByMarker(marker).SingleOrDefault();
        if (pid == 0) throw new BenchException($"The etcd of {target.VictimName} is not running before the disk fills.");
        var endpoint = target.Home.Load(target.Cluster).Replicas.First(r => r.Name != target.VictimName).ClientUrl;
        using var gateway = new EtcdGateway(target.Home.Pki(target.Cluster).LoadEtcdCredentials());
        using var stop = new CancellationTokenSource();
        long written = 0;
        string? lastError = null;
        var fill = Task.Run(async () =>
        {
            var value = new string('x', ValueBytes);
            for (var i = 0; !stop.IsCancellationRequested;)
            {
                try
                {
                    await gateway.PutAsync(endpoint, $"/hamaster-bench/fill/{i:D6}", value, stop.Token).ConfigureAwait(false);
                    Interlocked.Add(ref written, ValueBytes);
                    i++;
                }
                catch (EtcdRequestException e)
                {
                    // The cluster is busy with the failing member; the next put goes on filling.
                    lastError = e.Reason;
                    await Task.Delay(10).ConfigureAwait(false);
                }
            }
        });
        var watch = Stopwatch.StartNew();
        while (DetachedProcess.IsRunning(pid, marker))
        {
            if (watch.Elapsed > FillTimeout)
                throw new BenchException($"The etcd of {target.VictimName} still ran {FillTimeout.TotalSeconds:0} s after the fill started ({Interlocked.Read(ref written) / 1024} KiB written{(lastError is null ? "" : "; last put error: " + lastError)}).");
            Thread.Sleep(5);
        }
        var stopped = Stopwatch.GetTimestamp();
        stop.Cancel();
        try { fill.Wait(TimeSpan.FromSeconds(10)); } catch (AggregateException) { }
        FilledBytes = Interlocked.Read(ref written);
        return stopped;
    }

    public override string? Shown(DrillTarget target) => target.VictimProblems(mustContain: "no space left on device");

    public override void BeforeCommand(DrillTarget target) => CleanUp(target);

    public override void CleanUp(DrillTarget target)
    {
        _mount?.Dispose();
        _mount = null;
    }
}
