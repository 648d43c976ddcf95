using HaMaster.Gce.Compute;

namespace HaMaster.Gce;

/// <summary>
/// The cluster's stable address: the static address <c>&lt;c&gt;-master-ip</c>, reserved with the cluster's
/// firewalls (<see cref="GceFirewalls"/>) and released with everything that uses it. Both look at what
/// exists first, so they can be run again after an interruption.
/// </summary>
internal sealed class GceClusterAddress(ComputeService compute, GceClusterSettings settings, string cluster)
{
    private string Project => settings.Project;
    private string Region => settings.Region;
    private string Name => GceNames.Address(cluster);
    private GceFirewalls Firewalls => new(compute, settings.Location, settings.Network, cluster);

    /// <summary>
    /// The address (reused when it exists) and, in parallel, the firewalls. When one fails, what this
    /// call created is deleted again before the error is reported.
    /// </summary>
    public async Task<string> ReserveAsync(CancellationToken cancellationToken)
    {
        var created = new CreatedResources();
        try
        {
            return await GceErrors.TranslateAsync($"reserve the address and firewalls of cluster {cluster}", cluster, async () =>
            {
                var address = EnsureAddressAsync(created, cancellationToken);
                await Task.WhenAll(address, Firewalls.EnsureAsync(created, cancellationToken)).ConfigureAwait(false);
                return await address.ConfigureAwait(false);
            }).ConfigureAwait(false);
        }
        catch
        {
            await created.DeleteAllBestEffortAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Deletes the forwarding rule first (it uses the pool and the address), then in parallel the pool
    /// and its health check, the address (taken off any instance still holding it) and the firewalls.
    /// What is gone already counts as done.
    /// </summary>
    public Task ReleaseAsync(CancellationToken cancellationToken) =>
        GceErrors.TranslateAsync($"release the address and load balancer of cluster {cluster}", cluster, async () =>
        {
            var frontend = new GceFrontend(compute, settings.Location, cluster);
            await frontend.DeleteForwardingRuleAsync(cancellationToken).ConfigureAwait(false);
            await Task.WhenAll(
                frontend.DeletePoolAndHealthCheckAsync(cancellationToken),
                DeleteAddressAsync(cancellationToken),
                Firewalls.DeleteAsync(cancellationToken)).ConfigureAwait(false);
        });

    private async Task<string> EnsureAddressAsync(CreatedResources created, CancellationToken cancellationToken)
    {
        var existing = await compute.Addresses.Get(Project, Region, Name).GetOrNullAsync(cancellationToken).ConfigureAwait(false);
        if (existing is null)
        {
            var insert = compute.Addresses.Insert(Project, Region, new Address { Name = Name, Description = $"HaMaster cluster {cluster}: the API address" });
            if (await compute.InsertAsync(insert, cancellationToken).ConfigureAwait(false))
                created.Add(() => compute.DeleteIfPresentAsync(compute.Addresses.Delete(Project, Region, Name), CancellationToken.None));
            existing = await compute.Addresses.Get(Project, Region, Name).ExecuteAsync(cancellationToken).ConfigureAwait(false);
        }
        return existing.IPAddress ?? throw new InvalidOperationException($"Address {Name} has no IP.");
    }

    /// <summary>Takes the address off every instance whose access config holds it, then deletes it.</summary>
    private async Task DeleteAddressAsync(CancellationToken cancellationToken)
    {
        var address = await compute.Addresses.Get(Project, Region, Name).GetOrNullAsync(cancellationToken).ConfigureAwait(false);
        if (address is null) return;
        foreach (var user in address.Users ?? [])
        {
            if (ComputeLinks.Tail(user)?.Contains("/instances/", StringComparison.Ordinal) != true) continue;
            var (zone, instanceName) = (ComputeLinks.ZoneOf(user), ComputeLinks.NameOf(user));
            if (zone is null || instanceName is null) continue;
            var instance = await compute.Instances.Get(Project, zone, instanceName).GetOrNullAsync(cancellationToken).ConfigureAwait(false);
            var holder = instance?.NetworkInterfaces?.SelectMany(n => (n.AccessConfigs ?? []).Select(a => (Nic: n, Config: a)))
                .FirstOrDefault(p => p.Config.NatIP == address.IPAddress);
            if (holder?.Config is { } accessConfig)
                await compute.DeleteIfPresentAsync(compute.Instances.DeleteAccessConfig(Project, zone, instanceName,
                    accessConfig.Name ?? GceFrontend.AccessConfigName, holder.Value.Nic.Name ?? InstancesResource.FirstNetworkInterface), cancellationToken).ConfigureAwait(false);
        }
        await compute.DeleteIfPresentAsync(compute.Addresses.Delete(Project, Region, Name), cancellationToken).ConfigureAwait(false);
    }
}
