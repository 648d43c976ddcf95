using System.Diagnostics;
using HaMaster.Engine.Etcd;
using HaMaster.Engine.Health;
using HaMaster.Engine.Model;
using HaMaster.Local;
using HaMaster.Local.Processes;

namespace HaMaster.Bench;

/// <summary>Diagnostics used to explain the benchmark's figures (bench/README.md).</summary>
public static class Diagnose
{
    /// <summary>
    /// <c>HaMaster.Bench --diagnose-inspect [replicas]</c>: where the time of one health snapshot (what
    /// Get-MasterReplica and every health gate take) goes, part by part, on a cluster of its own.
    /// </summary>
    public static int Inspect(int replicas)
    {
        using var cancel = new CancellationTokenSource();
        using var home = new BenchHome("diagnose", cancel.Token);
        home.Shell.Run("New-HaCluster -Name dg", TimeSpan.FromMinutes(2));
        if (replicas > 1) home.Shell.Run($"Add-MasterReplica -Cluster dg -Count {replicas - 1}", TimeSpan.FromMinutes(3));
        home.WaitHealthy("dg", replicas, TimeSpan.FromSeconds(60));
        var state = home.Load("dg");
        var provider = new LocalProvider(home.State);
        var pki = home.Pki("dg");

        for (var round = 0; round < 3; round++)
        {
            Console.WriteLine($"-- round {round}");
            Time("FindByMarker (one /proc scan)", () => DetachedProcess.FindByMarker("--data-dir=" + home.Path));
            Time($"provider.InspectAsync x{replicas} (sequential)", () => { foreach (var r in state.Replicas) provider.InspectAsync(state, r, default).GetAwaiter().GetResult(); });
            Time("provider.InspectLoadBalancerAsync", () => provider.InspectLoadBalancerAsync(state, default).GetAwaiter().GetResult());
            var credentials = Time("LoadEtcdCredentials", pki.LoadEtcdCredentials);
            var ca = Time("LoadClusterCa", pki.LoadClusterCa);
            using var gateway = new EtcdGateway(credentials);
            Time($"etcd Status x{replicas} new channels (parallel)", () => Task.WhenAll(state.Replicas.Select(r => gateway.StatusAsync(r.ClientUrl, default))).GetAwaiter().GetResult());
            Time($"etcd Status x{replicas} warm (parallel)", () => Task.WhenAll(state.Replicas.Select(r => gateway.StatusAsync(r.ClientUrl, default))).GetAwaiter().GetResult());
            Time("etcd MemberList + quorum read (warm)", () => { gateway.ListMembersAsync(state.Replicas[0].ClientUrl, default).GetAwaiter().GetResult(); gateway.QuorumReadAsync(state.Replicas[0].ClientUrl, default).GetAwaiter().GetResult(); });
            using var api = new ApiProbe(ca, TimeSpan.FromSeconds(2));
            Time($"API /readyz x{replicas} (parallel, new connections)", () => Task.WhenAll(state.Replicas.Select(r => api.ReadyProblemAsync(r.InternalAddress, Ports.Api, default))).GetAwaiter().GetResult());
            Time($"API /readyz x{replicas} again", () => Task.WhenAll(state.Replicas.Select(r => api.ReadyProblemAsync(r.InternalAddress, Ports.Api, default))).GetAwaiter().GetResult());
            Time("one /readyz", () => api.ReadyProblemAsync(state.Replicas[0].InternalAddress, Ports.Api, default).GetAwaiter().GetResult());
            Time("ClusterInspector.InspectAsync (warm clients)", () => new ClusterInspector(provider, gateway, api).InspectAsync(state, default).GetAwaiter().GetResult());
            using (var fresh = new EtcdGateway(pki.LoadEtcdCredentials()))
            using (var freshApi = new ApiProbe(pki.LoadClusterCa(), TimeSpan.FromSeconds(2)))
                Time("ClusterInspector.InspectAsync (new clients, as each command does)", () => new ClusterInspector(provider, fresh, freshApi).InspectAsync(state, default).GetAwaiter().GetResult());
            Time("Get-MasterReplica (hosted engine)", () => home.Shell.Run("Get-MasterReplica", TimeSpan.FromMinutes(1)));
            Time("Get-HaCluster (hosted engine)", () => home.Shell.Run("Get-HaCluster", TimeSpan.FromMinutes(1)));
            Time("an empty pipeline (hosted engine)", () => home.Shell.Run("$null", TimeSpan.FromMinutes(1)));
        }
        return 0;
    }

    /// <summary>
    /// <c>HaMaster.Bench --diagnose-dead-member</c>: how long an etcd request through EtcdGateway takes
    /// to fail when nothing listens at the member's address, and right after the member was killed
    /// (the gRPC channel waits for a reconnection rather than failing the call).
    /// </summary>
    public static int DeadEndpoint()
    {
        using var cancel = new CancellationTokenSource();
        using var home = new BenchHome("diagnose", cancel.Token);
        home.Shell.Run("New-HaCluster -Name de", TimeSpan.FromMinutes(2));
        var state = home.Load("de");
        using var gateway = new EtcdGateway(home.Pki("de").LoadEtcdCredentials()) { RequestTimeout = TimeSpan.FromSeconds(5) };
        var dead = $"https://{state.Address[..state.Address.LastIndexOf('.')]}.77:2379";
        for (var i = 0; i < 3; i++)
        {
            var watch = Stopwatch.StartNew();
            try { gateway.PutAsync(dead, "/x", "y", default).GetAwaiter().GetResult(); Console.WriteLine("put ok?!"); }
            catch (Exception e) { Console.WriteLine($"{watch.Elapsed.TotalMilliseconds:0} ms: {e.GetType().Name}: {(e as EtcdRequestException)?.Reason ?? e.Message}"); }
        }
        var live = state.Replicas[0].ClientUrl;
        gateway.PutAsync(live, "/x", "y", default).GetAwaiter().GetResult();
        home.Crash("de", state.Replicas[0].Name);
        for (var i = 0; i < 3; i++)
        {
            var watch = Stopwatch.StartNew();
            try { gateway.PutAsync(live, "/x", "y", default).GetAwaiter().GetResult(); Console.WriteLine("put ok?!"); }
            catch (Exception e) { Console.WriteLine($"after kill {watch.Elapsed.TotalMilliseconds:0} ms: {e.GetType().Name}: {(e as EtcdRequestException)?.Reason ?? e.Message}"); }
        }
        return 0;
    }

    private static void Time(string what, Action action) => Time<object?>(what, () => { action(); return null; });

    private static T Time<T>(string what, Func<T> action)
    {
        var watch = Stopwatch.StartNew();
        var result = action();
        Console.WriteLine($"{watch.Elapsed.TotalMilliseconds,8:0.0} ms  {what}");
        return result;
    }
}
