using System.Diagnostics;
using System.Management.Automation;
using HaMaster.Engine.Model;
using HaMaster.Engine.Pki;
using HaMaster.Engine.State;
using HaMaster.Local;
using HaMaster.Local.Processes;

namespace HaMaster.Bench;

/// <summary>
/// A scenario's own state folder ($HaMasterHome), short (HAProxy's unix socket path must stay
/// short), with the hosted shell that uses it. Disposing removes every cluster through
/// Remove-HaCluster, then checks that nothing is left: no process whose command line names the
/// folder, no loopback reservation owned by it; whatever is left is killed or deleted and reported.
/// </summary>
public sealed class BenchHome : IDisposable
{
    public BenchHome(string scenario, CancellationToken cancel)
    {
        Scenario = scenario;
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "hmb-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(Path);
        State = new StateDirectory(Path);
        Shell = new HostedShell(Path, cancel);
    }

    public string Scenario { get; }
    public string Path { get; }
    public StateDirectory State { get; }
    public HostedShell Shell { get; }
    public CleanupReport? Cleanup { get; private set; }

    public ClusterState Load(string cluster) => new ClusterStore(State).Load(cluster);
    public ClusterPki Pki(string cluster) => new(State.PkiDirectory(cluster));

    /// <summary>The replicas as Get-MasterReplica shows them.</summary>
    public List<PSObject> Replicas(string cluster) =>
        Shell.Run($"Get-MasterReplica -Cluster {cluster}", TimeSpan.FromSeconds(60)).Output.ToList();

    /// <summary>Polls Get-MasterReplica until <paramref name="count"/> replicas are all Healthy; throws after <paramref name="timeout"/>.</summary>
    public List<PSObject> WaitHealthy(string cluster, int count, TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        string seen = "";
        while (true)
        {
            var replicas = Replicas(cluster);
            if (replicas.Count == count && replicas.All(r => r.Get<bool>("Healthy"))) return replicas;
            seen = string.Join(", ", replicas.Select(r => $"{r.Get<string>("Name")} {r.Get<string>("Status")} {(r.Get<bool>("Healthy") ? "Healthy" : "Unhealthy: " + string.Join("; ", r.Get<string[]>("Problems") ?? []))}"));
            if (watch.Elapsed > timeout) throw new BenchException($"Cluster {cluster} did not reach {count} healthy replicas within {timeout.TotalSeconds:0} s: {seen}");
            Thread.Sleep(250);
        }
    }

    /// <summary>A crash: SIGKILL to the replica's etcd and API endpoint processes (found by their command-line markers), then waits until they are gone.</summary>
    public void Crash(string cluster, string replica)
    {
        var layout = Layout(cluster, replica);
        Kill($"replica {replica}", layout.EtcdMarker, layout.EndpointMarker);
    }

    public ReplicaLayout Layout(string cluster, string replica) => new(State.ReplicaDirectory(cluster, replica));

    /// <summary>SIGKILL to every process whose command line holds one of <paramref name="markers"/>, then waits until they are gone.</summary>
    public void Kill(string what, params string[] markers)
    {
        var pids = markers.SelectMany(DetachedProcess.FindByMarker).Distinct().ToList();
        if (pids.Count == 0) throw new BenchException($"No process of {what} was found to kill.");
        foreach (var pid in pids) DetachedProcess.Signal(pid, 9);
        var watch = Stopwatch.StartNew();
        while (pids.Any(pid => markers.Any(marker => DetachedProcess.IsRunning(pid, marker))))
        {
            if (watch.Elapsed > TimeSpan.FromSeconds(10)) throw new BenchException($"The processes of {what} survived SIGKILL for 10 s.");
            Thread.Sleep(1);
        }
    }

    public void Dispose()
    {
        string? removeError = null;
        try
        {
            Shell.Run("Get-HaCluster -ErrorAction SilentlyContinue | Remove-HaCluster -Force", TimeSpan.FromMinutes(3), evenWhenStopping: true);
        }
        catch (Exception e)
        {
            removeError = e.Message;
        }
        Shell.Dispose();
        var processes = DetachedProcess.FindByMarker(Path);
        foreach (var pid in processes) DetachedProcess.Signal(pid, 9);
        var reservations = new List<string>();
        if (Directory.Exists(LoopbackBlocks.ReservationFolder))
        {
            foreach (var file in Directory.EnumerateFiles(LoopbackBlocks.ReservationFolder))
            {
                try
                {
                    if (!File.ReadAllText(file).StartsWith(Path + "/", StringComparison.Ordinal)) continue;
                    reservations.Add(System.IO.Path.GetFileName(file));
                    File.Delete(file);
                }
                catch (IOException) { }
            }
        }
        Thread.Sleep(processes.Count > 0 ? 200 : 0);
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
        Cleanup = new CleanupReport(Scenario, processes.Count, reservations.Count, removeError is null ? null : Redact.Text(removeError, Path));
    }
}

/// <summary>What was left after a scenario removed its clusters (all zero when HaMaster cleaned up after itself).</summary>
public sealed record CleanupReport(string Scenario, int LeftoverProcesses, int LeftoverReservations, string? RemoveError);

/// <summary>Keeps this machine's paths out of the results.</summary>
public static class Redact
{
    public static string Text(string text, string? home = null)
    {
        if (home is not null) text = text.Replace(home, "<home>", StringComparison.Ordinal);
        text = text.Replace(System.IO.Path.GetTempPath().TrimEnd('/'), "<tmp>", StringComparison.Ordinal);
        var user = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        if (user.Length > 1) text = text.Replace(user, "~", StringComparison.Ordinal);
        return text;
    }
}
