namespace HaMaster.Bench;

public sealed partial class Scenarios
{
    /// <summary>
    /// (j) Credentials. Export-HaKubeConfig timed on a one-replica cluster, merging into a kubeconfig
    /// that already holds the cluster's entry from the run before (the usual case: a daily export).
    /// </summary>
    public void Credentials()
    {
        using var home = Track(new BenchHome("credentials", cancel));
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
}
