namespace HaMaster.Engine.Tests.LoadBalancer;

/// <summary>Locates the HAProxy executable: $HAMASTER_HAPROXY, else "haproxy" on PATH.</summary>
internal static class TestHaproxy
{
    public static string Executable { get; } = Locate();

    private static string Locate()
    {
        var configured = Environment.GetEnvironmentVariable("HAMASTER_HAPROXY");
        if (!string.IsNullOrEmpty(configured)) return configured;
        var searchPath = Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (var directory in searchPath.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(directory, "haproxy");
            if (File.Exists(candidate)) return candidate;
        }
        throw new InvalidOperationException("HAProxy is needed by these tests: install it (Debian package 'haproxy') or set HAMASTER_HAPROXY.");
    }
}
