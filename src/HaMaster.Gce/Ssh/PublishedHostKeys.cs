using HaMaster.Gce.Compute;

namespace HaMaster.Gce.Ssh;

/// <summary>
/// The SSH host keys a replica's guest environment publishes in its guest attributes (namespace
/// <c>hostkeys/</c>, one entry per key type; metadata <c>enable-guest-attributes=TRUE</c>), read through
/// the Compute API, so the module knows a VM's host key before its first connection, as
/// <c>gcloud compute ssh</c> does.
/// </summary>
public static class PublishedHostKeys
{
    public const string QueryPath = "hostkeys/";
    public const string EnableMetadataKey = "enable-guest-attributes";

    /// <summary>The fingerprints (<c>SHA256:…</c>) of the published keys; empty while none are published.</summary>
    public static async Task<IReadOnlyList<string>> FingerprintsAsync(ComputeService compute, string project, string zone, string instance, CancellationToken cancellationToken)
    {
        GuestAttributes attributes;
        try
        {
            attributes = await compute.Instances.GetGuestAttributes(project, zone, instance, QueryPath).ExecuteAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (ComputeApiException e) when ((int)e.StatusCode is 400 or 404)
        {
            // Nothing published yet (404), or guest attributes are off on this VM (400).
            return [];
        }
        return (attributes.QueryValue?.Items ?? [])
            .Select(item => Fingerprint(item.Value))
            .OfType<string>()
            .ToList();
    }

    /// <summary>A published value is the key's base64 blob, or a whole public key line (<c>type base64 [comment]</c>).</summary>
    private static string? Fingerprint(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        var text = value.Trim();
        try
        {
            return text.Contains(' ', StringComparison.Ordinal)
                ? SshKeyPair.FingerprintOfPublicKey(text)
                : SshKeyPair.FingerprintOf(Convert.FromBase64String(text));
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
