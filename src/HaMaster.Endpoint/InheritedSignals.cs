using System.Runtime.InteropServices;

namespace HaMaster.Endpoint;

/// <summary>
/// A process inherits every signal its parent ignores, and .NET does not handle a signal that was
/// ignored when it started: under <c>nohup pwsh script.ps1</c> the endpoint would never see the
/// SIGHUP that asks it to serve the cluster address. The endpoint takes the signals it handles back
/// to their default action before it registers its own handlers.
/// </summary>
internal static partial class InheritedSignals
{
    private const int SIGHUP = 1;
    private const int SIGINT = 2;
    private const int SIGTERM = 15;
    private static readonly IntPtr DefaultAction = IntPtr.Zero;

    public static void RestoreDefaults()
    {
        if (OperatingSystem.IsWindows()) return;
        try
        {
            foreach (int signal in new[] { SIGHUP, SIGINT, SIGTERM })
                SetAction(signal, DefaultAction);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            ConsoleLog.Error($"cannot reset inherited signal actions: {e.Message}");
        }
    }

    [LibraryImport("libc", EntryPoint = "signal")]
    private static partial IntPtr SetAction(int signal, IntPtr action);
}
