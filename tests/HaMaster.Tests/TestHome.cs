namespace HaMaster.Tests;

/// <summary>A short, unique state folder per test (HAProxy's unix socket path must stay short).</summary>
public static class TestHome
{
    public static string Create()
    {
        var path = Path.Combine("/tmp", "hmt-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(path);
        return path;
    }

    public static void Delete(string path)
    {
        foreach (var pid in HaMaster.Local.Processes.DetachedProcess.FindByMarker(path))
            HaMaster.Local.Processes.DetachedProcess.Signal(pid, 9);
        if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
    }
}
