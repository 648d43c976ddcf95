using HaMaster.Engine.Model;
using HaMaster.Gce.Compute;

namespace HaMaster.Gce;

/// <summary>
/// Replicas' VMs through their life: created (<see cref="GceReplicaInstance"/>), started when stopped,
/// stopped, deleted and read. Each call looks at the VM first, so running it again after an
/// interruption finishes the job; a VM found on its way somewhere is waited for
/// (<see cref="GceInstanceStatus"/>). Compute failures are reported as <see cref="GceErrors"/> say.
/// </summary>
internal sealed class GceReplicaVms(ComputeService compute, GceClusterSettings settings, GceProviderOptions options)
{
    private string Project => settings.Project;

    /// <summary>
    /// Creates the VM when it does not exist, updates its metadata when it differs (read at the next
    /// boot), starts it when it is stopped (waiting first for one on its way down), and returns it once
    /// it is RUNNING.
    /// </summary>
    public Task<Instance> StartAsync(ClusterState cluster, ReplicaRecord replica, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken) =>
        GceErrors.TranslateAsync($"start the VM of replica {replica.Name}", replica.Name, async () =>
        {
            var instance = await GetOrNullAsync(replica, cancellationToken).ConfigureAwait(false);
            if (instance is null)
            {
                var body = GceReplicaInstance.New(cluster, replica, metadata, settings, options.Image);
                await compute.InsertAsync(compute.Instances.Insert(Project, replica.Zone, body), cancellationToken).ConfigureAwait(false);
            }
            else
            {
                if (GceReplicaInstance.MetadataUpdate(instance, metadata) is { } update)
                    await compute.RunAsync(compute.Instances.SetMetadata(Project, replica.Zone, replica.Name, update), cancellationToken).ConfigureAwait(false);
                if (GceInstanceStatus.IsStopping(instance.Status))
                    instance = await WaitStatusAsync(replica, GceInstanceStatus.StoppedStatuses, cancellationToken).ConfigureAwait(false);
                if (GceInstanceStatus.IsStopped(instance.Status))
                    await compute.RunAsync(compute.Instances.Start(Project, replica.Zone, replica.Name), cancellationToken).ConfigureAwait(false);
                else if (GceInstanceStatus.IsSuspended(instance.Status))
                    throw GceErrors.VmSuspended(replica.Name, replica.Zone);
            }
            return await WaitStatusAsync(replica, [GceInstanceStatus.Running], cancellationToken).ConfigureAwait(false);
        });

    /// <summary>
    /// Stops the VM (<c>instances.stop</c>) unless it is stopped or on its way there, and waits until it
    /// is stopped. Compute Engine has no hard kill: a stop is always an ACPI shutdown that the guest
    /// may use for a short while.
    /// </summary>
    public Task StopAsync(ReplicaRecord replica, CancellationToken cancellationToken) =>
        GceErrors.TranslateAsync($"stop the VM of replica {replica.Name}", replica.Name, async () =>
        {
            var instance = await GetOrNullAsync(replica, cancellationToken).ConfigureAwait(false);
            if (instance is null || GceInstanceStatus.IsStopped(instance.Status)) return;
            if (!GceInstanceStatus.IsStopping(instance.Status))
                await compute.RunAsync(compute.Instances.Stop(Project, replica.Zone, replica.Name), cancellationToken).ConfigureAwait(false);
            await WaitStatusAsync(replica, GceInstanceStatus.StoppedStatuses, cancellationToken, missingIsDone: true).ConfigureAwait(false);
        });

    /// <summary>Deletes the VM; its boot disk (auto-delete), where etcd keeps its data, goes with it. Gone already: done.</summary>
    public Task DeleteAsync(ReplicaRecord replica, CancellationToken cancellationToken) =>
        GceErrors.TranslateAsync($"delete the VM of replica {replica.Name}", replica.Name, async () =>
        {
            try
            {
                await compute.RunAsync(compute.Instances.Delete(Project, replica.Zone, replica.Name), cancellationToken).ConfigureAwait(false);
            }
            catch (ComputeApiException e) when (e.IsNotFound)
            {
                return;
            }
            catch (ComputeApiException e) when (e.HasReason("resourceNotReady"))
            {
                // A delete is already under way: wait for it to finish.
            }
            await WaitStatusAsync(replica, [], cancellationToken, missingIsDone: true).ConfigureAwait(false);
        });

    /// <summary>The VM, or null when it does not exist.</summary>
    public Task<Instance?> ReadAsync(ReplicaRecord replica, CancellationToken cancellationToken) =>
        GceErrors.TranslateAsync($"read the VM of replica {replica.Name}", replica.Name, () => GetOrNullAsync(replica, cancellationToken));

    private Task<Instance?> GetOrNullAsync(ReplicaRecord replica, CancellationToken cancellationToken) =>
        compute.Instances.Get(Project, replica.Zone, replica.Name).GetOrNullAsync(cancellationToken);

    /// <summary>
    /// Reads the VM until its status is one of <paramref name="statuses"/> (none: until it is gone), for
    /// at most <see cref="GceProviderOptions.InstanceTimeout"/>.
    /// </summary>
    private async Task<Instance> WaitStatusAsync(ReplicaRecord replica, IReadOnlyList<string> statuses, CancellationToken cancellationToken, bool missingIsDone = false)
    {
        var deadline = DateTimeOffset.UtcNow + options.InstanceTimeout;
        while (true)
        {
            var instance = await GetOrNullAsync(replica, cancellationToken).ConfigureAwait(false);
            if (instance is null)
            {
                if (missingIsDone) return new Instance { Name = replica.Name };
                throw GceErrors.VmDisappeared(replica.Name, replica.Zone);
            }
            if (instance.Status is { } status && statuses.Contains(status)) return instance;
            if (DateTimeOffset.UtcNow >= deadline)
                throw GceErrors.VmStatusTimedOut(replica.Name, instance.Status, options.InstanceTimeout, statuses);
            await Task.Delay(options.StatusPollInterval, cancellationToken).ConfigureAwait(false);
        }
    }
}
