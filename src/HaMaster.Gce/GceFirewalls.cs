using HaMaster.Engine.Model;
using HaMaster.Gce.Bootstrap;
using HaMaster.Gce.Compute;

namespace HaMaster.Gce;

/// <summary>
/// The firewalls of a cluster, all aimed at its master tag: kube-up's <c>-master-https</c> (the API
/// from anywhere) and <c>-master-etcd</c> (etcd between masters), and HaMaster's <c>-master-ssh</c>
/// (the module's tunnel to etcd) and <c>-master-health</c> (Google's health checkers to the readiness
/// responder).
/// </summary>
internal sealed class GceFirewalls(ComputeService compute, GceLocation location, string network, string cluster)
{
    /// <summary>Where Google's health checkers come from (Compute Engine documentation).</summary>
    public static readonly IReadOnlyList<string> HealthCheckRanges = ["35.191.0.0/16", "209.85.152.0/22", "209.85.204.0/22"];

    public IReadOnlyList<Firewall> Rules
    {
        get
        {
            var tag = GceNames.Master(cluster);
            var networkLink = ComputeLinks.Network(location.Project, network);
            Firewall Rule(string name, string ports, List<string>? sourceRanges, List<string>? sourceTags, string description) => new()
            {
                Name = name,
                Description = description,
                Network = networkLink,
                Direction = "INGRESS",
                SourceRanges = sourceRanges,
                SourceTags = sourceTags,
                TargetTags = [tag],
                Allowed = [new FirewallRule { IPProtocol = "tcp", Ports = [ports] }],
            };
            return
            [
                Rule(GceNames.HttpsFirewall(cluster), KubeApiServerCommandLine.SecurePort.ToString(), ["0.0.0.0/0"], null, $"HaMaster cluster {cluster}: the Kubernetes API"),
                Rule(GceNames.EtcdFirewall(cluster), $"{Ports.EtcdClient}-{Ports.EtcdPeer}", null, [tag], $"HaMaster cluster {cluster}: etcd between masters"),
                Rule(GceNames.SshFirewall(cluster), "22", ["0.0.0.0/0"], null, $"HaMaster cluster {cluster}: the module's SSH tunnel to etcd"),
                Rule(GceNames.HealthFirewall(cluster), ReadinessResponder.Port.ToString(), HealthCheckRanges.ToList(), null, $"HaMaster cluster {cluster}: load balancer health checks"),
            ];
        }
    }

    /// <summary>Inserts, in parallel, the rules that do not exist; what it inserts goes into <paramref name="created"/>.</summary>
    public Task EnsureAsync(CreatedResources created, CancellationToken cancellationToken) =>
        Task.WhenAll(Rules.Select(rule => EnsureAsync(rule, created, cancellationToken)));

    /// <summary>Deletes every rule, in parallel; one already gone counts as deleted.</summary>
    public Task DeleteAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(Rules.Select(rule => compute.DeleteIfPresentAsync(compute.Firewalls.Delete(location.Project, rule.Name!), cancellationToken)));

    private async Task EnsureAsync(Firewall rule, CreatedResources created, CancellationToken cancellationToken)
    {
        if (await compute.Firewalls.Get(location.Project, rule.Name!).GetOrNullAsync(cancellationToken).ConfigureAwait(false) is not null) return;
        if (await compute.InsertAsync(compute.Firewalls.Insert(location.Project, rule), cancellationToken).ConfigureAwait(false))
            created.Add(() => compute.DeleteIfPresentAsync(compute.Firewalls.Delete(location.Project, rule.Name!), CancellationToken.None));
    }
}
