using HaMaster.Engine.Model;
using HaMaster.Gce.Bootstrap;
using HaMaster.Gce.Compute;
using LoadBalancerView = HaMaster.LoadBalancer;

namespace HaMaster.Gce;

/// <summary>
/// The cluster address on Compute Engine, arranged as kube-up does: the static address sits on the
/// only master's access config; from two masters on it moves to a forwarding rule in front of a
/// target pool, whose HTTP health check follows each API server's readiness (kube-up's pool had
/// none). Every method first looks at what exists, so running it again after an interruption
/// finishes the job; operations that do not depend on each other run in parallel, and changes to one
/// resource run one after another (Compute Engine refuses a change to a resource while another
/// operation on it runs). <see cref="ReconcileAsync"/>, <see cref="DrainAsync"/> and
/// <see cref="InspectAsync"/> report Compute failures as <see cref="GceErrors"/> say; the other methods
/// let them through.
/// </summary>
public sealed class GceFrontend(ComputeService compute, GceLocation location, string cluster)
{
    public const string AccessConfigName = "External NAT";
    private const string Nic = "nic0";

    private string Project => location.Project;
    private string Region => location.Region;
    private string PoolName => GceNames.TargetPool(cluster);
    private string PoolLink => ComputeLinks.TargetPool(Project, Region, PoolName);

    /// <summary>
    /// Two active masters or more: the load balancer in front of exactly them; one: the address on it;
    /// none: nothing.
    /// </summary>
    public Task ReconcileAsync(IReadOnlyList<MasterInstance> active, string clusterAddress, CancellationToken cancellationToken) => active.Count switch
    {
        0 => Task.CompletedTask,
        1 => GceErrors.TranslateAsync($"move the cluster address {clusterAddress} to replica {active[0].Name}", cluster,
            () => ServeFromMasterAsync(active[0], cancellationToken)),
        _ => GceErrors.TranslateAsync($"put the cluster address {clusterAddress} on a load balancer in front of {string.Join(", ", active.Select(a => a.Name))}", cluster,
            () => ServeThroughLoadBalancerAsync(active, cancellationToken)),
    };

    /// <summary>Takes <paramref name="master"/> out of the target pool, when there is one and it is in it.</summary>
    public Task DrainAsync(MasterInstance master, CancellationToken cancellationToken) =>
        GceErrors.TranslateAsync($"take replica {master.Name} out of the load balancer", master.Name, async () =>
        {
            var member = Member(await PoolOrNullAsync(cancellationToken).ConfigureAwait(false), master);
            if (member is not null)
                await compute.RunAsync(compute.TargetPools.RemoveInstance(Project, Region, PoolName, member), cancellationToken).ConfigureAwait(false);
        });

    /// <summary>
    /// The forwarding rule and target pool, with one backend per active replica: Up when
    /// <c>targetPools.getHealth</c> says HEALTHY, Down otherwise (not in the pool, not running, unhealthy).
    /// </summary>
    public Task<LoadBalancerView> InspectAsync(IReadOnlyList<ReplicaRecord> active, string clusterAddress, CancellationToken cancellationToken) =>
        GceErrors.TranslateAsync($"read the load balancer of cluster {cluster}", cluster, async () =>
        {
            var ruleTask = compute.ForwardingRules.Get(Project, Region, GceNames.ForwardingRule(cluster)).GetOrNullAsync(cancellationToken);
            var pool = await PoolOrNullAsync(cancellationToken).ConfigureAwait(false);
            var rule = await ruleTask.ConfigureAwait(false);
            var backends = await Task.WhenAll(active.Select(async replica =>
            {
                var member = Member(pool, new MasterInstance(replica.Name, replica.Zone));
                var healthy = member is not null && await HealthyAsync(member, cancellationToken).ConfigureAwait(false);
                return new LoadBalancerBackend { Replica = replica.Name, Address = replica.InternalAddress, State = healthy ? "Up" : "Down" };
            })).ConfigureAwait(false);
            return new LoadBalancerView
            {
                Cluster = cluster,
                Name = GceNames.ForwardingRule(cluster),
                Address = clusterAddress,
                Status = (rule, pool) switch
                {
                    (not null, not null) => "Running",
                    (null, null) => "Missing",
                    (null, _) => "NoForwardingRule",
                    _ => "NoTargetPool",
                },
                Backends = backends,
            };
        });

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
        await DeleteForwardingRuleAsync(cancellationToken).ConfigureAwait(false);
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
        var pool = await PoolOrNullAsync(cancellationToken).ConfigureAwait(false);
        if (pool is null)
        {
            await compute.InsertAsync(compute.TargetPools.Insert(Project, Region, new TargetPool
            {
                Name = PoolName,
                HealthChecks = [ComputeLinks.HttpHealthCheck(Project, healthCheck)],
                Instances = wanted,
            }), cancellationToken).ConfigureAwait(false);
            return;
        }
        // Only members the pool lists are removed, and one change to the pool runs at a time: Compute
        // Engine refuses to remove an instance that is not in the pool, and may refuse a change while
        // another one to the same pool is running.
        var present = pool.Instances ?? [];
        var missing = wanted.Where(w => !present.Any(p => ComputeLinks.SameResource(p, w))).ToArray();
        var extra = present.Where(p => !wanted.Any(w => ComputeLinks.SameResource(p, w))).Select(p => ComputeLinks.Tail(p)!).ToArray();
        if (extra.Length > 0)
            await compute.RunAsync(compute.TargetPools.RemoveInstance(Project, Region, PoolName, extra), cancellationToken).ConfigureAwait(false);
        if (missing.Length > 0)
            await compute.RunAsync(compute.TargetPools.AddInstance(Project, Region, PoolName, missing), cancellationToken).ConfigureAwait(false);
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

    /// <summary>Deletes the forwarding rule (first: it uses the pool and the address); gone already counts as done.</summary>
    public Task DeleteForwardingRuleAsync(CancellationToken cancellationToken) =>
        compute.DeleteIfPresentAsync(compute.ForwardingRules.Delete(Project, Region, GceNames.ForwardingRule(cluster)), cancellationToken);

    /// <summary>Deletes the pool, then its health check (the pool uses it); gone already counts as done.</summary>
    public async Task DeletePoolAndHealthCheckAsync(CancellationToken cancellationToken)
    {
        await compute.DeleteIfPresentAsync(compute.TargetPools.Delete(Project, Region, PoolName), cancellationToken).ConfigureAwait(false);
        await compute.DeleteIfPresentAsync(compute.HttpHealthChecks.Delete(Project, GceNames.HealthCheck(cluster)), cancellationToken).ConfigureAwait(false);
    }

    private Task<TargetPool?> PoolOrNullAsync(CancellationToken cancellationToken) =>
        compute.TargetPools.Get(Project, Region, PoolName).GetOrNullAsync(cancellationToken);

    /// <summary>The pool's link to <paramref name="master"/>, as the pool lists it; null when it is not a member.</summary>
    private string? Member(TargetPool? pool, MasterInstance master)
    {
        var link = ComputeLinks.Instance(Project, master.Zone, master.Name);
        return pool?.Instances?.FirstOrDefault(i => ComputeLinks.SameResource(i, link));
    }

    private async Task<bool> HealthyAsync(string member, CancellationToken cancellationToken)
    {
        try
        {
            var health = await compute.TargetPools.GetHealth(Project, Region, PoolName, member).ExecuteAsync(cancellationToken).ConfigureAwait(false);
            return health.HealthStatus?.Any(h => h.HealthState == HealthStatus.Healthy) == true;
        }
        catch (ComputeApiException e) when ((int)e.StatusCode is 400 or 404)
        {
            // Not running (resourceNotReady), no longer a member or gone: it gets no traffic.
            return false;
        }
    }
}
