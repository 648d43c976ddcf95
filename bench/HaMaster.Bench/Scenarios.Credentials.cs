using System.Diagnostics;

namespace HaMaster.Bench;

public sealed partial class Scenarios
{
    /// <summary>
    /// (j) Credentials and certificates. Export-HaKubeConfig timed on a one-replica cluster, merging
    /// into a kubeconfig that already holds the cluster's entry (the usual case: a daily export).
    /// Update-HaCertificate on three replicas under the availability client: its wall time and the
    /// probes and writes that failed meanwhile. And from "certificates expired, cluster down" to every
    /// replica healthy again with Update-HaCertificate -Force.
    /// </summary>
    public void Credentials()
    {
        using var home = Track(new BenchHome("credentials", cancel));
        ExportKubeConfig(home);
        RenewCertificates(home);
        RenewExpiredCertificates(home);
    }

    private void ExportKubeConfig(BenchHome home)
    {
        const string name = "kc";
        home.Shell.Run($"New-HaCluster -Name {name}", CommandTimeout);
        var kubeconfig = Path.Combine(home.Path, "kubeconfig");
        var milliseconds = new List<double>();
        for (var i = 0; i <= options.Runs; i++)
        {
            cancel.ThrowIfCancellationRequested();
            var export = home.Shell.Run($"Export-HaKubeConfig -Cluster {name} -Path '{kubeconfig}'", CommandTimeout);
            if (export.Output.Single().Get<string>("Context") != $"hamaster-{name}") throw new BenchException("Export-HaKubeConfig wrote no context");
            // The first run in the session also loads YamlDotNet; it is reported apart.
            if (i == 0)
            {
                results.Extra["exportKubeConfigFirstMs"] = Math.Round(export.Elapsed.TotalMilliseconds, 1);
                continue;
            }
            milliseconds.Add(Math.Round(export.Elapsed.TotalMilliseconds, 1));
            Log($"export run {i}: {milliseconds[^1]:0} ms");
        }
        results.Figures["exportKubeConfig"] = new Figure(milliseconds, "ms", Target.Median(300));
        home.Shell.Run($"Remove-HaCluster -Name {name} -Force", CommandTimeout);
    }

    private void RenewCertificates(BenchHome home)
    {
        const string name = "rn";
        home.Shell.Run($"New-HaCluster -Name {name} | Add-MasterReplica -Count 2", CommandTimeout);
        MeasureUnderClient(home, name, "renewCertificates", $"Update-HaCertificate -Cluster {name} -Confirm:$false", Target.Median(10));
        home.Shell.Run($"Remove-HaCluster -Name {name} -Force", CommandTimeout);
    }

    private void RenewExpiredCertificates(BenchHome home)
    {
        const string name = "ex";
        var validity = TimeSpan.FromSeconds(45);
        home.Shell.Run($"New-HaCluster -Name {name} -CertificateValidity {validity} | Add-MasterReplica -Count 2", CommandTimeout);
        var seconds = new List<double>();
        for (var i = 1; i <= options.Runs; i++)
        {
            cancel.ThrowIfCancellationRequested();
            var expiry = home.Shell.Run($"Get-HaCertificate {name}", CommandTimeout).Output
                .Where(c => c.Get<string>("Usage") is not ("ClusterCa" or "EtcdCa")).Max(c => c.Get<DateTimeOffset>("NotAfter"));
            while (DateTimeOffset.UtcNow < expiry.AddSeconds(2)) Thread.Sleep(250);
            var down = home.Shell.Run($"Get-HaCluster {name}", CommandTimeout).Output.Single().Get<string>("Status");
            if (down != "NoQuorum") throw new BenchException($"with every certificate expired the cluster is {down}, not NoQuorum");
            var started = Stopwatch.GetTimestamp();
            home.Shell.Run($"Update-HaCertificate -Cluster {name} -Force -Confirm:$false", CommandTimeout);
            home.WaitHealthy(name, 3, HealthyTimeout);
            seconds.Add(Math.Round(EventMetrics.Ms(Stopwatch.GetTimestamp() - started) / 1000, 2));
            Log($"expired run {i}: healthy again {seconds[^1]:0.0} s after Update-HaCertificate -Force began");
        }
        results.Figures["renewExpiredCertificates"] = new Figure(seconds, "s", Target.Median(10));
        home.Shell.Run($"Remove-HaCluster -Name {name} -Force", CommandTimeout);
    }
}
