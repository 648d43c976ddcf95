using HaMaster.Engine.Errors;

namespace HaMaster.Engine.State;

/// <summary>
/// One membership change at a time per cluster, across processes: an exclusive lock on the
/// cluster's lock file (an advisory lock the kernel releases when the holder dies, so a killed
/// command never leaves the cluster locked).
/// </summary>
public sealed class ClusterLock : IDisposable
{
    private readonly FileStream _stream;

    private ClusterLock(FileStream stream) => _stream = stream;

    public static async Task<ClusterLock> AcquireAsync(string lockFile, string cluster, string purpose, TimeSpan timeout, Action<string>? onWait, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(lockFile)!);
        var deadline = DateTime.UtcNow + timeout;
        var told = false;
        while (true)
        {
            try
            {
                var stream = new FileStream(lockFile, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                stream.SetLength(0);
                var note = System.Text.Encoding.UTF8.GetBytes($"{Environment.ProcessId} {purpose}\n");
                stream.Write(note);
                stream.Flush();
                return new ClusterLock(stream);
            }
            catch (IOException)
            {
                if (DateTime.UtcNow > deadline)
                    throw new HaException(ErrorIds.ClusterBusy,
                        $"Another HaMaster command is changing cluster '{cluster}' and did not finish within {timeout.TotalSeconds:0} s.",
                        "Wait for the other command to finish, then run this one again.", cluster);
                if (!told) onWait?.Invoke($"Waiting for another HaMaster command to finish changing cluster '{cluster}'.");
                told = true;
                await Task.Delay(100, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public void Dispose() => _stream.Dispose();
}
