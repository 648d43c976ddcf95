using HaMaster.Gce.Bootstrap;
using HaMaster.Gce.Compute;

namespace HaMaster.Gce;

/// <summary>
/// The cluster address on Compute Engine, arranged as kube-up does: the static address sits on the
/// only master's access config; from two masters on it moves to a forwarding rule in front of a
/// target pool, whose HTTP health check follows each API server's readiness (kube-up's pool had
/// none). Every method first looks at what exists, so running it again after an interruption
/// finishes the job; operations that do not depend on each other run in parallel.
/// </summary>
public sealed class GceFrontend(ComputeService compute, GceLocation location, string cluster)
{
    public const string AccessConfigName = "External NAT";
    private const string Nic = "nic0";

    private string Project => location.Project;
    private string Region => location.Region;
    private string PoolLink => ComputeLinks.TargetPool(Project, Region, GceNames.TargetPool(cluster));

    /// <summary>Two masters or more: the address on a forwarding rule, exactly <paramref name="masters"/> in the pool.</summary>
    public async Task ServeThroughLoadBalancerAsync(IReadOnlyList<MasterInstance> masters, CancellationToken cancellationToken)
    {
        var address = await StaticAddressAsync(cancellationToken).ConfigureAwait(false);
        await Task.WhenAll(
            EnsurePoolAsync(masters, cancellationToken),
            Task.WhenAll(masters.Select(m => UseEphemeralAddressAsync(m, address, cancellationToken)))).ConfigureAwait(false);
        await EnsureForwardingRuleAsync(address, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One master: forwarding rule, pool and health check deleted, the address back on <paramref name="master"/>.</summary>
    public async Task ServeFromMasterAsync(MasterInstance master, CancellationToken cancellationToken)
    {
        var address = await StaticAddressAsync(cancellationToken).ConfigureAwait(false);
        await compute.DeleteIfPresentAsync(compute.ForwardingRules.Delete(Project, Region, GceNames.ForwardingRule(cluster)), cancellationToken).ConfigureAwait(false);
        await Task.WhenAll(
            DeletePoolAndHealthCheckAsync(cancellationToken),
            AttachAddressAsync(master, address, cancellationToken)).ConfigureAwait(false);
    }

    /// <summary>The static address's IP.</summary>
    public async Task<string> StaticAddressAsync(CancellationToken cancellationToken)
    {
        var address = await compute.Addresses.Get(Project, Region, GceNames.Address(cluster)).ExecuteAsync(cancellationToken).ConfigureAwait(false);
        return address.IPAddress ?? throw new InvalidOperationException($"Address {GceNames.Address(cluster)} has no IP.");
    }

    /// <summary>Makes <paramref name="master"/> hold the static address (its ephemeral one, if any, is given back first).</summary>
    public async Task AttachAddressAsync(MasterInstance master, string address, CancellationToken cancellationToken)
    {
        var current = await AccessConfigAsync(master, cancellationToken).ConfigureAwait(false);
        if (current?.NatIP == address) return;
        if (current is not null)
            await compute.RunAsync(compute.Instances.DeleteAccessConfig(Project, master.Zone, master.Name, current.Name ?? AccessConfigName, Nic), cancellationToken).ConfigureAwait(false);
        await compute.RunAsync(compute.Instances.AddAccessConfig(Project, master.Zone, master.Name,
            new AccessConfig { Name = AccessConfigName, Type = AccessConfig.OneToOneNat, NatIP = address }, Nic), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Gives <paramref name="master"/> an ephemeral external address instead of the static one (for SSH).</summary>
    private async Task UseEphemeralAddressAsync(MasterInstance master, string staticAddress, CancellationToken cancellationToken)
    {
        var current = await AccessConfigAsync(master, cancellationToken).ConfigureAwait(false);
        if (current is not null && current.NatIP != staticAddress) return;
        if (current is not null)
            await compute.RunAsync(compute.Instances.DeleteAccessConfig(Project, master.Zone, master.Name, current.Name ?? AccessConfigName, Nic), cancellationToken).ConfigureAwait(false);
        await compute.RunAsync(compute.Instances.AddAccessConfig(Project, master.Zone, master.Name,
            new AccessConfig { Name = AccessConfigName, Type = AccessConfig.OneToOneNat }, Nic), cancellationToken).ConfigureAwait(false);
    }

    private async Task<AccessConfig?> AccessConfigAsync(MasterInstance master, CancellationToken cancellationToken)
    {
        var instance = await compute.Instances.Get(Project, master.Zone, master.Name).ExecuteAsync(cancellationToken).ConfigureAwait(false);
        return instance.NetworkInterfaces?.FirstOrDefault()?.AccessConfigs?.FirstOrDefault();
    }

    private async Task EnsurePoolAsync(IReadOnlyList<MasterInstance> masters, CancellationToken cancellationToken)
    {
        var healthCheck = GceNames.HealthCheck(cluster);
        if (await compute.HttpHealthChecks.Get(Project, healthCheck).GetOrNullAsync(cancellationToken).ConfigureAwait(false) is null)
            await compute.InsertAsync(compute.HttpHealthChecks.Insert(Project, new HttpHealthCheck
            {
                Name = healthCheck,
                Port = ReadinessResponder.Port,
                RequestPath = ReadinessResponder.Path,
                CheckIntervalSec = 2,
                TimeoutSec = 1,
                HealthyThreshold = 1,
                UnhealthyThreshold = 2,
            }), cancellationToken).ConfigureAwait(false);

        var wanted = masters.Select(m => ComputeLinks.Instance(Project, m.Zone, m.Name)).ToList();
        var pool = await compute.TargetPools.Get(Project, Region, GceNames.TargetPool(cluster)).GetOrNullAsync(cancellationToken).ConfigureAwait(false);
        if (pool is null)
        {
            await compute.InsertAsync(compute.TargetPools.Insert(Project, Region, new TargetPool
            {
                Name = GceNames.TargetPool(cluster),
                HealthChecks = [ComputeLinks.HttpHealthCheck(Project, healthCheck)],
                Instances = wanted,
            }), cancellationToken).ConfigureAwait(false);
            return;
        }
        var present = pool.Instances ?? [];
        var missing = wanted.Where(w => !present.Any(p => ComputeLinks.SameResource(p, w))).ToArray();
        var extra = present.Where(p => !wanted.Any(w => ComputeLinks.SameResource(p, w))).Select(p => ComputeLinks.Tail(p)!).ToArray();
        await Task.WhenAll(
            missing.Length > 0 ? compute.RunAsync(compute.TargetPools.AddInstance(Project, Region, GceNames.TargetPool(cluster), missing), cancellationToken) : Task.CompletedTask,
            extra.Length > 0 ? compute.RunAsync(compute.TargetPools.RemoveInstance(Project, Region, GceNames.TargetPool(cluster), extra), cancellationToken) : Task.CompletedTask).ConfigureAwait(false);
    }

    private async Task EnsureForwardingRuleAsync(string address, CancellationToken cancellationToken)
    {
        var name = GceNames.ForwardingRule(cluster);
        if (await compute.ForwardingRules.Get(Project, Region, name).GetOrNullAsync(cancellationToken).ConfigureAwait(false) is not null) return;
        await compute.InsertAsync(compute.ForwardingRules.Insert(Project, Region, new ForwardingRule
        {
            Name = name,
            IPAddress = address,
            IPProtocol = "TCP",
            PortRange = $"{KubeApiServerCommandLine.SecurePort}-{KubeApiServerCommandLine.SecurePort}",
            Target = PoolLink,
        }), cancellationToken).ConfigureAwait(false);
    }

    private async Task DeletePoolAndHealthCheckAsync(CancellationToken cancellationToken)
    {
        await compute.DeleteIfPresentAsync(compute.TargetPools.Delete(Project, Region, GceNames.TargetPool(cluster)), cancellationToken).ConfigureAwait(false);
        await compute.DeleteIfPresentAsync(compute.HttpHealthChecks.Delete(Project, GceNames.HealthCheck(cluster)), cancellationToken).ConfigureAwait(false);
    }
}
