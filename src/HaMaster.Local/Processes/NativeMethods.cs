using System.Runtime.InteropServices;

namespace HaMaster.Local.Processes;

internal static partial class NativeMethods
{
    public const int SIGHUP = 1;
    public const int SIGKILL = 9;
    public const int SIGUSR1 = 10;
    public const int SIGUSR2 = 12;
    public const int SIGTERM = 15;

    [LibraryImport("libc", SetLastError = true)]
    internal static partial int kill(int pid, int sig);
}
