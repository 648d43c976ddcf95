using HaMaster.Engine.Etcd;

namespace HaMaster.Bench;

public sealed partial class Scenarios
{
    /// <summary>
    /// (k) etcd maintenance. Each run writes 100 MiB of 1 MiB values into a three-replica cluster and
    /// overwrites each with an empty one, so that about 100 MiB of every member's database is history
    /// a compaction frees; then Optimize-HaCluster runs under the availability client. Reported: its
    /// wall time, the space the three members gave back (Get-EtcdMember's DbSize before and after),
    /// and the probes and writes that failed meanwhile.
    /// </summary>
    public void Maintenance()
    {
        using var home = Track(new BenchHome("maintenance", cancel));
        const string name = "op";
        home.Shell.Run($"New-HaCluster -Name {name} | Add-MasterReplica -Count 2", CommandTimeout);
        var reclaimed = new List<double>();
        long before = 0;
        MeasureUnderClient(home, name, "optimize", $"Optimize-HaCluster -Cluster {name} -Confirm:$false", target: null,
            prepare: _ =>
            {
                Fill(home, name, 100 * MiB);
                Overwrite(home, name);
                before = DatabaseBytes(home, name);
            },
            measured: i =>
            {
                var after = DatabaseBytes(home, name);
                reclaimed.Add(Math.Round((before - after) / (double)MiB, 1));
                Log($"optimize run {i}: {reclaimed[^1]:0} MiB given back ({before / (double)MiB:0} -> {after / (double)MiB:0} MiB over 3 members)");
            });
        results.Figures["optimizeReclaimed"] = new Figure(reclaimed, "MiB");
        home.Shell.Run($"Remove-HaCluster -Name {name} -Force", CommandTimeout);
    }

    /// <summary>Puts an empty value over every key <see cref="Fill"/> wrote: the 1 MiB values become history only.</summary>
    private void Overwrite(BenchHome home, string cluster)
    {
        var replica = home.Load(cluster).Replicas[0];
        using var etcd = new EtcdGateway(home.Pki(cluster).LoadEtcdCredentials()) { RequestTimeout = TimeSpan.FromSeconds(30) };
        for (var i = 0; etcd.GetAsync(replica.ClientUrl, $"/bench/fill/{i:D4}", cancel).GetAwaiter().GetResult() is { Length: > 0 }; i++)
            etcd.PutAsync(replica.ClientUrl, $"/bench/fill/{i:D4}", "", cancel).GetAwaiter().GetResult();
    }

    /// <summary>The database files of every member together, as Get-EtcdMember shows them.</summary>
    private static long DatabaseBytes(BenchHome home, string cluster) =>
        home.Shell.Run($"Get-EtcdMember {cluster}", CommandTimeout).Output.Sum(m => m.Get<long?>("DbSize") ?? 0);
}
