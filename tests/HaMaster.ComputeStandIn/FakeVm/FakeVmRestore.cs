using System.Security.Cryptography;
using HaMaster.Local;
using HaMaster.Local.Processes;

namespace HaMaster.Testing.Compute.FakeVm;

/// <summary>
/// The startup script's <c>restore_snapshot</c>, as a fake VM runs it: once per restore id (the marker
/// file), from the uploaded file only when its SHA-256 is the script's, with the script's restore
/// flags (VM paths moved into the root folder) and this machine's etcdctl in place of the release's
/// etcdutl; the restored folder takes the data folder's place.
/// </summary>
internal static class FakeVmRestore
{
    /// <summary>Whether the data folder already holds this restore (a reboot after it).</summary>
    public static bool IsDone(FakeVm vm, FakeVmBootPlan.SnapshotRestore restore)
    {
        var marker = FakeVmBootPlan.Rooted(vm.RootFolder, restore.Marker);
        return File.Exists(marker) && File.ReadAllText(marker).Trim() == restore.Id;
    }

    /// <summary>Restores when the upload has arrived whole; false while it has not.</summary>
    public static async Task<bool> TryRunAsync(FakeVm vm, FakeVmBootPlan.SnapshotRestore restore, CancellationToken cancellationToken)
    {
        var upload = FakeVmBootPlan.Rooted(vm.RootFolder, restore.UploadPath);
        if (!File.Exists(upload)) return false;
        await using (var file = File.OpenRead(upload))
        {
            var sha = Convert.ToHexString(await SHA256.HashDataAsync(file, cancellationToken).ConfigureAwait(false)).ToLowerInvariant();
            if (sha != restore.Sha256) return false;
        }
        var arguments = restore.Arguments.Select(a => a.StartsWith("--data-dir=/", StringComparison.Ordinal)
            ? "--data-dir=" + FakeVmBootPlan.Rooted(vm.RootFolder, a["--data-dir=".Length..])
            : a).ToList();
        var restoring = FakeVmBootPlan.Flag(arguments, "data-dir");
        var data = vm.EtcdDataDirectory;
        if (Directory.Exists(restoring)) Directory.Delete(restoring, recursive: true);
        var result = await ToolRun.RunAsync(LocalComponents.FindEtcdctl(), ["snapshot", "restore", upload, .. arguments], cancellationToken).ConfigureAwait(false);
        if (result.ExitCode != 0) throw new InvalidOperationException($"the snapshot of restore {restore.Id} could not be restored: {result.Output.Trim()}");
        if (Directory.Exists(data)) Directory.Delete(data, recursive: true);
        Directory.Move(restoring, data);
        File.WriteAllText(FakeVmBootPlan.Rooted(vm.RootFolder, restore.Marker), restore.Id + "\n");
        File.Delete(upload);
        return true;
    }
}
