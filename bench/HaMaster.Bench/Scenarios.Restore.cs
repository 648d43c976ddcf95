using System.Diagnostics;
using HaMaster.Engine.Etcd;

namespace HaMaster.Bench;

public sealed partial class Scenarios
{
    private const int RestoreKeys = 200;

    /// <summary>
    /// (i) Lost quorum. Each run: a three-replica cluster takes 200 acknowledged writes (one by one,
    /// through the leader), then two replicas lose their disks (processes SIGKILLed, etcd data
    /// deleted; the survivor is a follower). Timed: a refused Repair-MasterReplica of a lost replica
    /// (it must name Restore-HaCluster), and the recovery, from the loss through Get-HaCluster
    /// (detection) and Restore-HaCluster -Confirm:$false until Get-HaCluster shows three healthy
    /// replicas, without the refused repair tried in between. Then the acknowledged keys are read back through etcd and the missing ones counted.
    /// </summary>
    public void Restore()
    {
        using var home = Track(new BenchHome("restore", cancel));
        const string name = "rs";
        home.Shell.Run($"New-HaCluster -Name {name} | Add-MasterReplica -Count 2", CommandTimeout);

        var recovery = new List<double>();
        var refusal = new List<double>();
        var lost = new List<double>();
        for (var i = 0; i < options.Runs; i++)
        {
            cancel.ThrowIfCancellationRequested();
            var replicas = home.Replicas(name);
            var leader = replicas.First(r => r.Get<string>("EtcdRole") == "Leader");
            var survivor = replicas.First(r => r.Get<string>("EtcdRole") == "Follower").Get<string>("Name")!;
            var prefix = $"/bench/restore/{i}/";
            WriteAcknowledged(home, name, leader.Get<string>("InternalAddress")!, prefix);

            var lostAt = Stopwatch.GetTimestamp();
            var dead = replicas.Select(r => r.Get<string>("Name")!).Where(n => n != survivor).ToList();
            foreach (var replica in dead)
            {
                home.Crash(name, replica);
                Directory.Delete(home.Layout(name, replica).EtcdData, recursive: true);
            }
            var status = home.Shell.Run($"(Get-HaCluster {name}).Status", CommandTimeout).Output.Single().BaseObject as string;
            if (status != "NoQuorum") throw new BenchException($"after two lost disks the cluster shows {status}, not NoQuorum");
            var refused = home.Shell.Run($"Repair-MasterReplica -Cluster {name} -Name {dead[0]} -Confirm:$false", CommandTimeout, allowErrors: true);
            if (!refused.Errors.Any(e => e.Contains("Restore-HaCluster", StringComparison.Ordinal)))
                throw new BenchException($"the refused repair does not name Restore-HaCluster: {string.Join(" | ", refused.Errors)}");
            home.Shell.Run($"Restore-HaCluster -Cluster {name} -Confirm:$false", CommandTimeout);
            var healthy = home.Shell.Run($"(Get-HaCluster {name}).Status", CommandTimeout).Output.Single().BaseObject as string;
            if (healthy != "Healthy") throw new BenchException($"after the restore the cluster shows {healthy}");
            recovery.Add(Math.Round((Stopwatch.GetElapsedTime(lostAt) - refused.Elapsed).TotalSeconds, 2));
            refusal.Add(Math.Round(refused.Elapsed.TotalSeconds, 2));
            lost.Add(RestoreKeys - CountKeys(home, name, prefix));
            Log($"restore run {i + 1}: recovered in {recovery[^1]:0.0} s, refusal {refusal[^1]:0.00} s, {lost[^1]} of {RestoreKeys} acknowledged writes lost");
        }
        results.Figures["restore"] = new Figure(recovery, "s", Target.Median(10));
        results.Figures["noQuorumRefusal"] = new Figure(refusal, "s", Target.EveryRun(3));
        results.Figures["restoreWritesLost"] = new Figure(lost, "writes");
        home.Shell.Run($"Remove-HaCluster -Name {name} -Force", CommandTimeout);
    }

    private void WriteAcknowledged(BenchHome home, string cluster, string leaderAddress, string prefix)
    {
        using var etcd = new EtcdGateway(home.Pki(cluster).LoadEtcdCredentials());
        for (var k = 0; k < RestoreKeys; k++)
            etcd.PutAsync($"https://{leaderAddress}:2379", $"{prefix}{k:D3}", "acknowledged", cancel).GetAwaiter().GetResult();
    }

    private int CountKeys(BenchHome home, string cluster, string prefix)
    {
        var replica = home.Load(cluster).Replicas[0];
        using var etcd = new EtcdGateway(home.Pki(cluster).LoadEtcdCredentials());
        return Enumerable.Range(0, RestoreKeys)
            .Count(k => etcd.GetAsync(replica.ClientUrl, $"{prefix}{k:D3}", cancel).GetAwaiter().GetResult() is not null);
    }
}
