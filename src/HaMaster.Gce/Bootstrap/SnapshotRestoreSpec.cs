using System.Text.RegularExpressions;

namespace HaMaster.Gce.Bootstrap;

/// <summary>
/// A restore the replica's VM carries out at boot (Restore-HaCluster on Gce): before etcd starts, its
/// data is replaced once, by restore <see cref="Id"/>, with the snapshot the module uploads over SSH
/// to <see cref="UploadPath"/>. The VM restores only a file whose SHA-256 is <see cref="Sha256"/>:
/// the upload folder is writable by every user of the VM, the startup script's metadata only by the
/// module.
/// </summary>
public sealed partial record SnapshotRestoreSpec(string Sha256, string Id)
{
    /// <summary>Where the module's SSH user may write on any Compute Engine image.</summary>
    public const string UploadFolder = "/var/tmp";

    /// <summary>Records which restore the data folder holds, so that a reboot never restores twice.</summary>
    public const string Marker = "/var/lib/hamaster/etcd-restored";

    public string UploadPath => $"{UploadFolder}/hamaster-restore-{Sha256}.db";

    [GeneratedRegex("^[0-9a-f]{64}$")]
    private static partial Regex Hash();

    [GeneratedRegex("^[A-Za-z0-9-]{1,64}$")]
    private static partial Regex Identifier();

    public void Validate()
    {
        if (!Hash().IsMatch(Sha256 ?? "")) throw new ArgumentException($"The snapshot's SHA-256 '{Sha256}' is not 64 lowercase hexadecimal digits.");
        if (!Identifier().IsMatch(Id ?? "")) throw new ArgumentException($"The restore id '{Id}' must be 1 to 64 letters, digits or hyphens.");
    }
}
