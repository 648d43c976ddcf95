using HaMaster.Engine.Errors;
using HaMaster.Engine.Etcd;
using HaMaster.Engine.Model;
using HaMaster.Engine.Providers;
using HaMaster.Local.Processes;

namespace HaMaster.Local;

/// <summary>Puts an etcd snapshot into a local replica's data folder as the first member of a new cluster.</summary>
public static class EtcdSnapshotRestore
{
    /// <summary>
    /// Restores with Debian's etcdctl into a fresh folder beside the data folder, then puts it in place:
    /// a cut restore leaves the folder to be restored again, never a half-written data folder.
    /// </summary>
    public static async Task RunAsync(ClusterState cluster, ReplicaRecord replica, ReplicaLayout layout, string snapshotFile, EtcdBootstrap bootstrap, CancellationToken cancellationToken)
    {
        var etcdctl = LocalComponents.FindEtcdctl();
        Directory.CreateDirectory(layout.Directory);
        var restored = layout.EtcdData + ".restoring";
        if (Directory.Exists(restored)) Directory.Delete(restored, recursive: true);
        var result = await ToolRun.RunAsync(etcdctl,
            ["snapshot", "restore", snapshotFile, .. EtcdCommandLine.RestoreArguments(EtcdCommandLine.Member.For(cluster, replica, bootstrap), restored)],
            cancellationToken).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            if (Directory.Exists(restored)) Directory.Delete(restored, recursive: true);
            throw new HaException(ErrorIds.ComponentFailed,
                $"etcdctl could not restore {snapshotFile} into replica {replica.Name}: {result.Output.Trim()}",
                "Check that the file is an etcd v3 snapshot (etcdctl snapshot status) and that the disk has room, then run the command again.", replica.Name);
        }
        if (Directory.Exists(layout.EtcdData)) Directory.Delete(layout.EtcdData, recursive: true);
        Directory.Move(restored, layout.EtcdData);
    }
}
