using System.Runtime.InteropServices;
using System.Threading.Channels;

namespace HaMaster.Endpoint;

/// <summary>
/// Entry point. Works both as a process of its own (<c>dotnet HaMaster.Endpoint.dll --config FILE</c>)
/// and when called inside an already running host such as PowerShell, where stopping returns from
/// <see cref="Main"/> instead of ending the host process.
/// </summary>
public static class Program
{
    public const int ExitStopped = 0;
    public const int ExitListenFailed = 1;
    public const int ExitBadConfig = 2;

    private const string Usage = "usage: HaMaster.Endpoint --config <file>";
    private const string StopRequested = "stop requested";

    public static int Main(string[] args)
    {
        // Only as a process of its own: inside a host, the host's signal actions are not ours to change.
        InheritedSignals.RestoreDefaults();
        return Run(args, CancellationToken.None);
    }

    /// <summary>
    /// Serves until SIGTERM or SIGINT arrives or <paramref name="stopRequested"/> is cancelled;
    /// SIGHUP reloads the config.
    /// </summary>
    public static int Run(string[] args, CancellationToken stopRequested) =>
        // Off the caller's thread, so a synchronization context of the host cannot deadlock the wait.
        Task.Run(() => RunAsync(args, stopRequested)).GetAwaiter().GetResult();

    private static async Task<int> RunAsync(string[] args, CancellationToken stopRequested)
    {
        string? configPath = ConfigPathFrom(args);
        if (configPath is null)
        {
            Console.Error.WriteLine(Usage);
            return ExitBadConfig;
        }

        Channel<string> events = Channel.CreateUnbounded<string>();
        List<IDisposable> signalRegistrations = RegisterSignals(events.Writer);
        try
        {
            using CancellationTokenRegistration stopRegistration =
                stopRequested.Register(() => events.Writer.TryWrite(StopRequested));

            EndpointHost host;
            try
            {
                host = EndpointHost.Start(configPath);
            }
            catch (EndpointConfigException e)
            {
                ConsoleLog.Error($"bad config: {e.Message}");
                return ExitBadConfig;
            }
            catch (EndpointListenException e)
            {
                ConsoleLog.Error(e.Message);
                return ExitListenFailed;
            }

            while (true)
            {
                string signal = await events.Reader.ReadAsync().ConfigureAwait(false);
                if (signal == nameof(PosixSignal.SIGHUP))
                {
                    ReloadSafely(host);
                    continue;
                }
                host.Stop();
                ConsoleLog.Info($"replica {host.Replica} stopped ({signal})");
                return ExitStopped;
            }
        }
        finally
        {
            foreach (IDisposable registration in signalRegistrations)
                registration.Dispose();
        }
    }

    private static void ReloadSafely(EndpointHost host)
    {
        try
        {
            host.Reload();
        }
        catch (Exception e)
        {
            ConsoleLog.Error($"reload failed, still serving: {e.Message}");
        }
    }

    private static List<IDisposable> RegisterSignals(ChannelWriter<string> events)
    {
        var registrations = new List<IDisposable>();
        foreach (PosixSignal signal in new[] { PosixSignal.SIGHUP, PosixSignal.SIGTERM, PosixSignal.SIGINT })
        {
            try
            {
                registrations.Add(PosixSignalRegistration.Create(signal, context =>
                {
                    // Cancel the default action, which would end the whole (possibly shared) process.
                    context.Cancel = true;
                    events.TryWrite(signal.ToString());
                }));
            }
            catch (PlatformNotSupportedException)
            {
            }
        }
        return registrations;
    }

    private static string? ConfigPathFrom(string[] args)
    {
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--config" && i + 1 < args.Length && args[i + 1].Length > 0)
                return args[i + 1];
            if (args[i].StartsWith("--config=", StringComparison.Ordinal) && args[i].Length > "--config=".Length)
                return args[i]["--config=".Length..];
        }
        return null;
    }
}
