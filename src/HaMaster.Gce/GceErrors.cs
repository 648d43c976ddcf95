using HaMaster.Engine.Errors;
using HaMaster.Gce.Compute;

namespace HaMaster.Gce;

/// <summary>
/// Every failure the Gce provider reports, in one place: each with its id (docs/errors.md), a message
/// that says what happened, the object concerned and what to do. <see cref="TranslateAsync{T}"/> turns
/// what Compute Engine answers into one.
/// </summary>
internal static class GceErrors
{
    private const string RunAgain = "Run the command again: it continues where it stopped.";

    // ----- settings -------------------------------------------------------------------------------

    public static HaException InvalidSetting(string what, string? value, string action, Exception cause) =>
        new(ErrorIds.InvalidProviderSetting, $"The Gce {what} '{value}' is not usable: {cause.Message}", action, value, cause);

    public static HaException ImageNotSet() =>
        new(ErrorIds.InvalidProviderSetting, "The Gce provider's image is not set.", $"Leave it at its default ({GceProviderOptions.DefaultImage}).");

    public static HaException ProjectMissing(GceConfigurationException cause) =>
        new(ErrorIds.ComponentNotInstalled, cause.Message,
            "Give -Project, or set CLOUDSDK_CORE_PROJECT, or run 'gcloud config set project PROJECT_ID'.", null, cause);

    public static HaException CredentialsMissing(ComputeCredentialsException cause) =>
        new(ErrorIds.ComponentNotInstalled, $"No Google Cloud credentials were found: {cause.Message}",
            "Run 'gcloud auth application-default login', or set GOOGLE_APPLICATION_CREDENTIALS to a service account key file.", null, cause);

    public static HaException NoZone() =>
        new(ErrorIds.UnknownZone, "No Compute Engine zone was given.",
            "Give -Zone, or set CLOUDSDK_COMPUTE_ZONE, or run 'gcloud config set compute/zone ZONE'.");

    public static HaException NotAZone(string zone) =>
        new(ErrorIds.UnknownZone, $"'{zone}' is not a Compute Engine zone name.", "Use a zone such as us-central1-b.", zone);

    public static HaException UnknownSubnetRange(string region, string network) =>
        new(ErrorIds.AddressUnavailable, $"HaMaster does not know the subnet range of region {region} in network {network}.",
            "Set the Gce provider's SubnetRange to the range of the network's subnet in that region.", region);

    // ----- a cluster's recorded state -------------------------------------------------------------

    public static HaException NoRegionRecorded(string cluster, string zone) =>
        new(ErrorIds.StateCorrupt, $"Cluster '{cluster}' records no region and its zone '{zone}' names none.",
            "Restore the cluster's state file from a backup.", cluster);

    public static HaException NoSubnetRangeRecorded(string cluster) =>
        new(ErrorIds.StateCorrupt, $"Cluster '{cluster}' records no subnet range.", "Set the Gce provider's SubnetRange.", cluster);

    public static HaException NoFreeReplicaAddress(string cluster, string range) =>
        new(ErrorIds.AddressUnavailable, $"Cluster '{cluster}' has no free internal address left in {range}.", "Remove replicas you do not need.", cluster);

    // ----- replica VMs ----------------------------------------------------------------------------

    public static HaException VmDisappeared(string replica, string zone) =>
        new(ErrorIds.ProcessStartFailed, $"The VM of replica {replica} disappeared from zone {zone}.",
            "Run the command again; HaMaster creates it again.", replica);

    public static HaException VmSuspended(string replica, string zone) =>
        new(ErrorIds.ProcessStartFailed, $"The VM of replica {replica} is suspended; HaMaster does not resume VMs.",
            $"Resume it (gcloud compute instances resume {replica} --zone {zone}), then run the command again.", replica);

    public static HaException VmStatusTimedOut(string replica, string? status, TimeSpan waited, IReadOnlyList<string> expected) =>
        new(ErrorIds.OperationTimedOut,
            $"The VM of replica {replica} is {status} after {waited.TotalSeconds:0} s; expected {(expected.Count == 0 ? "it to be gone" : string.Join(" or ", expected))}.",
            "Look at the VM in the Cloud console (serial port output), then run the command again.", replica);

    // ----- etcd through SSH -----------------------------------------------------------------------

    public static HaException NoReplicaWithEndpoint(string cluster, string endpoint) =>
        new(ErrorIds.ReplicaNotFound, $"No replica of cluster '{cluster}' has the etcd endpoint {endpoint}.",
            "Run Get-MasterReplica to see the cluster's replicas.", endpoint);

    public static HaException NoExternalAddress(string replica, string? status) =>
        new(ErrorIds.EtcdRequestFailed, $"Replica {replica} has no external address to open an SSH tunnel to (its VM is {status}).",
            "Start the replica, or create the cluster with -Access Internal when this machine is inside the VPC.", replica);

    // ----- Compute Engine calls -------------------------------------------------------------------

    /// <summary>
    /// Runs Compute calls; an API error or an operation that ended in error becomes an
    /// <see cref="HaException"/> that says HaMaster could not do <paramref name="what"/> and what to do.
    /// </summary>
    public static async Task<T> TranslateAsync<T>(string what, object? target, Func<Task<T>> calls)
    {
        try
        {
            return await calls().ConfigureAwait(false);
        }
        catch (Exception e) when (e is ComputeApiException or OperationFailedException)
        {
            throw ApiFailed(what, target, e);
        }
    }

    /// <inheritdoc cref="TranslateAsync{T}"/>
    public static Task TranslateAsync(string what, object? target, Func<Task> calls) =>
        TranslateAsync(what, target, async () =>
        {
            await calls().ConfigureAwait(false);
            return true;
        });

    public static HaException ApiFailed(string what, object? target, Exception cause) =>
        new(ErrorIds.ComponentFailed, $"Compute Engine could not {what}: {cause.Message}",
            RunAgain + " If it fails the same way, fix what the message names (quota, permissions, a resource in the way) first.", target, cause);
}
