using System.Diagnostics;
using HaMaster.Engine.Etcd;

namespace HaMaster.Bench;

public sealed partial class Scenarios
{
    private const long MiB = 1024 * 1024;

    /// <summary>
    /// (h) Backups. First the cost of rule 12 on a three-replica cluster: the share of a
    /// Remove-MasterReplica and of an Add-MasterReplica spent on the backup each takes first (from
    /// the first to the last progress record of its "Back up" activity). Then the database is filled
    /// past 100 MiB with incompressible 1 MiB values and Backup-HaCluster is timed, as seconds per
    /// 100 MB and MB/s (MB = 10^6 bytes).
    /// </summary>
    public void Backups()
    {
        using var home = Track(new BenchHome("backup", cancel));
        const string name = "bk";
        home.Shell.Run($"New-HaCluster -Name {name} | Add-MasterReplica -Count 2", CommandTimeout);

        var removeShares = new List<double>();
        var addShares = new List<double>();
        for (var i = 0; i < options.Runs; i++)
        {
            cancel.ThrowIfCancellationRequested();
            var last = home.Shell.Run($"Get-MasterReplica -Cluster {name}", CommandTimeout).Output[^1].Get<string>("Name")!;
            var remove = home.Shell.Run($"Remove-MasterReplica -Cluster {name} -Name {last} -Confirm:$false", CommandTimeout);
            var add = home.Shell.Run($"Add-MasterReplica -Cluster {name}", CommandTimeout);
            removeShares.Add(BackupShare(remove, name));
            addShares.Add(BackupShare(add, name));
            Log($"rule 12 run {i + 1}: backup {removeShares[^1]:0.0}% of Remove-MasterReplica ({remove.Elapsed.TotalMilliseconds:0} ms), {addShares[^1]:0.0}% of Add-MasterReplica ({add.Elapsed.TotalMilliseconds:0} ms)");
        }
        results.Figures["rule12Remove"] = new Figure(removeShares, "%", Target.Median(10));
        results.Figures["rule12Add"] = new Figure(addShares, "%", Target.Median(10));

        var dbBytes = Fill(home, name, 105 * MiB);
        results.Extra["backupDatabaseMiB"] = Math.Round(dbBytes / (double)MiB, 1);
        var secondsPer100MB = new List<double>();
        var megabytesPerSecond = new List<double>();
        for (var i = 0; i < options.Runs; i++)
        {
            cancel.ThrowIfCancellationRequested();
            var backup = home.Shell.Run($"Backup-HaCluster -Cluster {name}", CommandTimeout);
            var size = backup.Output.Single().Get<long>("SizeBytes");
            if (backup.Output.Single().Get<bool>("Verified") != true) throw new BenchException("Backup-HaCluster returned a backup that is not verified");
            var seconds = backup.Elapsed.TotalSeconds;
            secondsPer100MB.Add(Math.Round(seconds * 100e6 / size, 3));
            megabytesPerSecond.Add(Math.Round(size / 1e6 / seconds, 1));
            Log($"backup run {i + 1}: {size / 1e6:0.0} MB in {seconds:0.00} s ({megabytesPerSecond[^1]:0.0} MB/s)");
            home.Shell.Run($"Get-HaClusterBackup {name} | Where-Object Reason -eq Manual | Remove-HaClusterBackup -Confirm:$false", CommandTimeout);
        }
        results.Figures["backup"] = new Figure(secondsPer100MB, "s per 100 MB", Target.Median(2.0));
        results.Extra["backupMegabytesPerSecondMedian"] = Figure.MedianOf(megabytesPerSecond);
        home.Shell.Run($"Remove-HaCluster -Name {name} -Force", CommandTimeout);
    }

    private static double BackupShare(Invocation invocation, string cluster)
    {
        var marks = invocation.Progress.Where(m => m.Activity == $"Back up {cluster}").ToList();
        if (marks.Count == 0) throw new BenchException("the change took no backup (rule 12)");
        return Math.Round((marks[^1].AtMs - marks[0].AtMs) * 100 / invocation.Elapsed.TotalMilliseconds, 2);
    }

    /// <summary>Writes 1 MiB values of random text until etcd's database holds at least <paramref name="bytes"/>; returns its size.</summary>
    private long Fill(BenchHome home, string cluster, long bytes)
    {
        var replica = home.Load(cluster).Replicas[0];
        using var etcd = new EtcdGateway(home.Pki(cluster).LoadEtcdCredentials()) { RequestTimeout = TimeSpan.FromSeconds(30) };
        var random = new Random(12);
        var watch = Stopwatch.StartNew();
        long size = 0;
        for (var i = 0; size < bytes; i++)
        {
            cancel.ThrowIfCancellationRequested();
            var value = new char[(int)MiB];
            for (var c = 0; c < value.Length; c++) value[c] = (char)('a' + random.Next(26));
            etcd.PutAsync(replica.ClientUrl, $"/bench/fill/{i:D4}", new string(value), cancel).GetAwaiter().GetResult();
            if (i % 10 == 9) size = etcd.StatusAsync(replica.ClientUrl, cancel).GetAwaiter().GetResult().DbSize;
        }
        Log($"filled etcd to {size / (double)MiB:0.0} MiB in {watch.Elapsed.TotalSeconds:0} s");
        return size;
    }
}
