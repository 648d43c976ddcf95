using System.Net;
using HaMaster.Engine.Errors;
using HaMaster.Gce.Compute;

namespace HaMaster.Gce;

/// <summary>
/// Every failure the Gce provider reports, in one place: each with its id (docs/errors.md), a message
/// that says what happened, the object concerned and what to do. <see cref="TranslateAsync{T}"/> turns
/// what Compute Engine answers into <see cref="ErrorIds.CloudApiFailed"/>.
/// </summary>
internal static class GceErrors
{
    private const string RunAgain = "Run the command again: it continues where it stopped.";

    // ----- settings -------------------------------------------------------------------------------

    public static HaException InvalidSetting(string what, string? value, string action, Exception cause) =>
        new(ErrorIds.InvalidProviderSetting, $"The Gce {what} '{value}' is not usable: {cause.Message}", action, value, cause);

    public static HaException VersionChangeRefused(string component, string from, string to, string why, string action) =>
        new(ErrorIds.VersionChangeRefused, $"{component} cannot go from {from} to {to} in a rollout: {why}. Nothing was changed.", action, to);

    public static HaException ImageNotSet() =>
        new(ErrorIds.InvalidProviderSetting, "The Gce provider's image is not set.", $"Leave it at its default ({GceProviderOptions.DefaultImage}).");

    public static HaException ProjectMissing(GceConfigurationException cause) =>
        new(ErrorIds.CloudProjectMissing, cause.Message,
            $"Give -Project, or set {GceSettings.ProjectVariable}, or run 'gcloud config set project PROJECT_ID'.", null, cause);

    public static HaException CredentialsMissing(ComputeCredentialsException cause) =>
        new(ErrorIds.CloudCredentialsMissing, $"HaMaster has no usable Google Cloud credentials: {cause.Message}",
            $"Run 'gcloud auth application-default login', or set {ComputeCredentials.CredentialsFileVariable} to a service account key file, " +
            "then run the command again.", null, cause);

    public static HaException NoZone() =>
        new(ErrorIds.UnknownZone, "No Compute Engine zone was given.",
            $"Give -Zone, or set {GceSettings.ZoneVariable}, or run 'gcloud config set compute/zone ZONE'.");

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
    /// Runs Compute calls; an API error, an operation that ended in error or an endpoint that cannot be
    /// reached becomes <see cref="ErrorIds.CloudApiFailed"/>, saying that HaMaster could not do
    /// <paramref name="what"/> and what to do about it.
    /// </summary>
    public static async Task<T> TranslateAsync<T>(string what, object? target, Func<Task<T>> calls)
    {
        try
        {
            return await calls().ConfigureAwait(false);
        }
        catch (Exception e) when (e is ComputeApiException or OperationFailedException or HttpRequestException)
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

    public static HaException ApiFailed(string what, object? target, Exception cause)
    {
        var message = cause is HttpRequestException
            ? $"HaMaster could not reach Compute Engine to {what}: {cause.Message}"
            : $"Compute Engine could not {what}: {cause.Message}";
        return new HaException(ErrorIds.CloudApiFailed, message, ActionFor(cause), target, cause);
    }

    private static string ActionFor(Exception cause) => cause switch
    {
        ComputeApiException { IsQuotaExceeded: true } or OperationFailedException { IsQuotaExceeded: true } =>
            "Raise the quota the message names (the Quotas page of the Cloud console) or free some of it. " + RunAgain,
        ComputeApiException { StatusCode: HttpStatusCode.Unauthorized } =>
            $"Log in again with 'gcloud auth application-default login' (or renew the token in {ComputeCredentials.AccessTokenFileVariable}). " + RunAgain,
        ComputeApiException { StatusCode: HttpStatusCode.Forbidden, IsRateLimited: false } or OperationFailedException { HttpErrorStatusCode: 403 } =>
            "Give the account HaMaster runs as the permission the message names on the project (the Compute Admin role, roles/compute.admin, has them all), " +
            "or log in as another account with 'gcloud auth application-default login'. " + RunAgain,
        HttpRequestException =>
            $"Check this machine's network access to Compute Engine (or the endpoint in {ComputeEndpoint.OverrideVariable}). " + RunAgain,
        _ => RunAgain + " If it fails the same way, fix what the message names (quota, permissions, a resource in the way) first.",
    };
}
