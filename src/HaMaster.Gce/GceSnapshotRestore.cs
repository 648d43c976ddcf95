using System.Security.Cryptography;
using HaMaster.Engine.Errors;
using HaMaster.Engine.Model;
using HaMaster.Gce.Bootstrap;
using HaMaster.Gce.Ssh;

namespace HaMaster.Gce;

/// <summary>
/// Puts a snapshot of this machine into a replica VM's etcd data (Restore-HaCluster on Gce). The disk
/// is only reachable while the VM runs, so the VM boots with a startup script that carries the restore
/// (<see cref="SnapshotRestoreSpec"/>: the snapshot's SHA-256 and a new restore id), the module uploads
/// the file over SFTP with its SSH key, and the script restores it with the release's own tool before
/// etcd starts. A VM that runs is stopped first, so that running this again restores again.
/// </summary>
internal sealed class GceSnapshotRestore(GceReplicaVms vms, GceEtcdAccess access, GceProviderOptions options)
{
    public async Task RunAsync(ClusterState cluster, GceClusterSettings settings, ReplicaRecord replica, string snapshotFile, Func<SnapshotRestoreSpec, IReadOnlyDictionary<string, string>> metadata, CancellationToken cancellationToken)
    {
        var restore = new SnapshotRestoreSpec(await Sha256Async(snapshotFile, cancellationToken).ConfigureAwait(false), Guid.NewGuid().ToString("N"));
        await vms.StopAsync(replica, cancellationToken).ConfigureAwait(false);
        await vms.StartAsync(cluster, replica, metadata(restore), cancellationToken).ConfigureAwait(false);
        await UploadAsync(cluster, settings, replica, snapshotFile, restore.UploadPath, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// A VM that has just started takes a while to accept SSH (the server, the guest agent creating the
    /// module's user): failures are tried again until <see cref="GceProviderOptions.InstanceTimeout"/>.
    /// </summary>
    private async Task UploadAsync(ClusterState cluster, GceClusterSettings settings, ReplicaRecord replica, string snapshotFile, string remotePath, CancellationToken cancellationToken)
    {
        var deadline = DateTimeOffset.UtcNow + options.InstanceTimeout;
        while (true)
        {
            try
            {
                var ssh = await access.SshOptionsAsync(cluster, settings, replica, cancellationToken).ConfigureAwait(false);
                await SshFileUpload.UploadAsync(ssh, snapshotFile, remotePath, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (HaException) when (DateTimeOffset.UtcNow < deadline && !cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(options.StatusPollInterval, cancellationToken).ConfigureAwait(false);
            }
            catch (HaException e)
            {
                throw new HaException(e.ErrorId,
                    $"The snapshot could not be copied to replica {replica.Name} within {options.InstanceTimeout.TotalMinutes:0.#} min: {e.Message}",
                    $"{e.RecommendedAction} Then run any command on cluster {cluster.Name}: it goes on with the restore.", replica.Name, e);
            }
        }
    }

    private static async Task<string> Sha256Async(string file, CancellationToken cancellationToken)
    {
        await using var stream = File.OpenRead(file);
        return Convert.ToHexString(await SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false)).ToLowerInvariant();
    }
}
