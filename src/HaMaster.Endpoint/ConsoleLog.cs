namespace HaMaster.Endpoint;

/// <summary>Timestamped log lines: progress to stdout (the launcher's log file), failures to stderr.</summary>
public static class ConsoleLog
{
    public static void Info(string message) => Console.Out.WriteLine(Format(message));

    public static void Error(string message) => Console.Error.WriteLine(Format(message));

    private static string Format(string message) =>
        $"{DateTime.UtcNow:yyyy-MM-ddTHH:mm:ss.fffZ} hamaster-endpoint: {message}";
}
