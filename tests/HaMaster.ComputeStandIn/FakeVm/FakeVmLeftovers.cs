using HaMaster.Local.Processes;

namespace HaMaster.Testing.Compute.FakeVm;

/// <summary>
/// A harness folder records the test process that owns it (process id and start time). A run that
/// was killed before disposal leaves etcd and endpoint processes (they run in their own session) and
/// the folder; the next harness finds folders whose owner is gone and stops their processes, deletes
/// them and releases their address blocks.
/// </summary>
public static class FakeVmLeftovers
{
    public const string FolderPrefix = "hamaster-fakevm-";
    private const string OwnerFile = "owner";

    public static void RecordOwner(string folder) =>
        File.WriteAllText(Path.Combine(folder, OwnerFile), $"{Environment.ProcessId} {StartTime(Environment.ProcessId)}");

    public static void CleanUp(string parentFolder)
    {
        if (!Directory.Exists(parentFolder)) return;
        foreach (var folder in Directory.EnumerateDirectories(parentFolder, FolderPrefix + "*"))
        {
            try
            {
                var owner = Path.Combine(folder, OwnerFile);
                if (!File.Exists(owner)) continue;
                var parts = File.ReadAllText(owner).Split(' ');
                if (parts.Length == 2 && int.TryParse(parts[0], out var pid) && StartTime(pid) == parts[1]) continue;
                DetachedProcess.StopAllAsync(folder, graceful: false, TimeSpan.FromSeconds(10), CancellationToken.None).GetAwaiter().GetResult();
                Directory.Delete(folder, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or TimeoutException)
            {
                // Another harness is cleaning up the same folder, or it is not ours to delete.
            }
        }
        // Reservations whose owner folder is gone are taken over by FakeVmAddressBlock.Reserve.
    }

    /// <summary>The process's start time in clock ticks since boot (field 22 of /proc/PID/stat), or "" when it is gone.</summary>
    private static string StartTime(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return fields.Length > 19 ? fields[19] : "";
        }
        catch (IOException) { return ""; }
        catch (UnauthorizedAccessException) { return ""; }
    }
}
