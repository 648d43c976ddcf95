using System.Runtime.InteropServices;
using HaMaster.Engine.Errors;

namespace HaMaster.Local;

/// <summary>
/// The programs the Local provider runs, found on PATH or named by an environment variable. A
/// missing one is reported with the Debian package that provides it.
/// </summary>
public sealed record LocalComponents(string Etcd, string Haproxy)
{
    public const string EtcdVariable = "HAMASTER_ETCD";
    public const string HaproxyVariable = "HAMASTER_HAPROXY";
    public const string EtcdctlVariable = "HAMASTER_ETCDCTL";

    public static LocalComponents Find()
    {
        if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux))
            throw new HaException(ErrorIds.PlatformNotSupported,
                "The Local provider runs etcd and HAProxy on loopback addresses 127.x.y.z, which only Linux routes without set-up.",
                "Run it on Linux (or WSL), or use -Provider Gce.");
        return new LocalComponents(
            Locate("etcd", EtcdVariable, "etcd-server"),
            Locate("haproxy", HaproxyVariable, "haproxy"));
    }

    /// <summary>etcd's own client, needed only to restore a snapshot (Restore-HaCluster).</summary>
    public static string FindEtcdctl() => Locate("etcdctl", EtcdctlVariable, "etcd-client");

    private static string Locate(string program, string variable, string debianPackage)
    {
        var named = Environment.GetEnvironmentVariable(variable);
        if (!string.IsNullOrWhiteSpace(named))
        {
            if (File.Exists(named)) return named;
            throw Missing(program, variable, debianPackage, Directory.Exists(named)
                ? $"${variable} names '{named}', which is a folder, not the program"
                : $"${variable} names '{named}', which does not exist");
        }
        var found = (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Append("/usr/sbin").Append("/usr/bin")
            .Select(dir => Path.Combine(dir, program))
            .FirstOrDefault(File.Exists);
        return found ?? throw Missing(program, variable, debianPackage, "it is not on PATH");
    }

    private static HaException Missing(string program, string variable, string debianPackage, string why) => new(
        ErrorIds.ComponentNotInstalled,
        $"The Local provider needs '{program}', but {why}.",
        $"Install the Debian package '{debianPackage}' (sudo apt-get install {debianPackage}), or set ${variable} to the program's path.",
        program);
}
