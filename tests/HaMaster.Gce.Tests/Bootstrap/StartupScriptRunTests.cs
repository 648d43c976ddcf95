using System.Runtime.Versioning;
using System.Formats.Tar;
using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using HaMaster.Gce.Bootstrap;
using Xunit;

namespace HaMaster.Gce.Tests.Bootstrap;

/// <summary>
/// Runs the rendered startup script for real, as at a first boot and at later boots, in a sandbox:
/// its absolute folders are moved under a temporary root, and <c>curl</c> and <c>systemctl</c> are
/// stand-ins that serve metadata and release files from that root and record what was asked.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class StartupScriptRunTests : IDisposable
{
    private const string FakeCurl = """
        #!/bin/bash
        # Stand-in for curl: serves metadata values and downloads from $FAKE_ROOT and logs every URL.
        out= url=
        while [ $# -gt 0 ]; do
          case "$1" in
            -o) out=$2; shift 2 ;;
            http://*|https://*) url=$1; shift ;;
            *) shift ;;
          esac
        done
        echo "$url" >>"$FAKE_ROOT/curl.log"
        case "$url" in
          http://metadata.google.internal/computeMetadata/v1/instance/attributes/*) source="$FAKE_ROOT/metadata/${url##*/}" ;;
          *) source="$FAKE_ROOT/downloads/$(printf '%s' "$url" | sed 's#://#_#; s#/#_#g')" ;;
        esac
        [ -f "$source" ] || exit 22
        if [ -n "$out" ]; then cat "$source" >"$out"; else cat "$source"; fi

        """;

    private const string FakeSystemctl = """
        #!/bin/bash
        echo "$*" >>"$FAKE_ROOT/systemctl.log"

        """;

    private const string FakeEtcdutl = """
        #!/bin/bash
        # Stand-in for the release's etcdutl: logs its arguments and makes the data folder it is given.
        echo "$*" >>"$FAKE_ROOT/etcdutl.log"
        for argument; do
          case "$argument" in --data-dir=*) mkdir -p "${argument#--data-dir=}" && cp "$3" "${argument#--data-dir=}/restored-from" ;; esac
        done

        """;

    private readonly string _root = Directory.CreateTempSubdirectory("hamaster-boot-").FullName;
    private readonly ReplicaBootstrapSpec _spec = ThreeReplicaCluster.GceSpec(1);
    private readonly string _arch = RuntimeInformation.OSArchitecture == Architecture.Arm64 ? "arm64" : "amd64";
    private readonly string _script;

    public StartupScriptRunTests()
    {
        Directory.CreateDirectory(Path.Combine(_root, "fakebin"));
        Directory.CreateDirectory(Path.Combine(_root, "metadata"));
        Directory.CreateDirectory(Path.Combine(_root, "downloads"));
        Directory.CreateDirectory(Path.Combine(_root, "etc/systemd/system"));
        WriteExecutable(Path.Combine(_root, "fakebin/curl"), FakeCurl);
        WriteExecutable(Path.Combine(_root, "fakebin/systemctl"), FakeSystemctl);
        foreach (var key in ReplicaMetadataKeys.All) SetMetadata(key, $"-----BEGIN TEST-----\n{key} v1\n-----END TEST-----\n");
        PublishEtcd();
        PublishKubeApiServer(checksumMatches: true);
        _script = Sandboxed(StartupScript.Render(_spec));
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task A_first_boot_installs_everything_and_a_reboot_changes_and_restarts_nothing()
    {
        var first = await BootAsync();
        Assert.True(first.ExitCode == 0, first.Describe());

        foreach (var key in ReplicaMetadataKeys.All)
        {
            var file = InRoot(ReplicaPaths.FileFor(key));
            Assert.Equal(File.ReadAllText(Path.Combine(_root, "metadata", key)), File.ReadAllText(file));
            var expected = ReplicaMetadataKeys.IsPrivateKey(key)
                ? UnixFileMode.UserRead | UnixFileMode.UserWrite
                : UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
            Assert.Equal(expected, File.GetUnixFileMode(file));
        }
        Assert.Equal("fake etcd\n", File.ReadAllText(InRoot(ReplicaPaths.EtcdBinary(_spec.EtcdVersion))));
        Assert.True(File.Exists(InRoot(ReplicaPaths.BinDirectory + $"/etcd-{_spec.EtcdVersion}/etcdctl")));
        Assert.Equal("fake kube-apiserver\n", File.ReadAllText(InRoot(ReplicaPaths.KubeApiServerBinary(_spec.KubernetesVersion))));
        Assert.Equal(StartupScriptTests.Heredoc(_script, StartupScript.EtcdUnitName), File.ReadAllText(InRoot("/etc/systemd/system/etcd.service")));
        Assert.Equal(StartupScriptTests.Heredoc(_script, StartupScript.KubeApiServerUnitName), File.ReadAllText(InRoot("/etc/systemd/system/kube-apiserver.service")));
        Assert.True(File.Exists(InRoot("/etc/systemd/system/" + ReadinessResponder.SocketUnitName)));
        Assert.True(File.Exists(InRoot("/etc/systemd/system/" + ReadinessResponder.ServiceTemplateName)));
        Assert.True(File.GetUnixFileMode(InRoot(ReplicaPaths.ReadinessResponder)).HasFlag(UnixFileMode.UserExecute));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(InRoot(ReplicaPaths.EtcdDataDirectory)));
        Assert.Equal(
        [
            "daemon-reload",
            "enable etcd.service kube-apiserver.service hamaster-readyz.socket",
            "--no-block restart etcd.service",
            "--no-block restart kube-apiserver.service",
            "--no-block restart hamaster-readyz.socket",
        ], TakeLog("systemctl.log"));
        var downloads = TakeLog("curl.log").Where(u => !u.StartsWith(StartupScript.MetadataAttributesUrl, StringComparison.Ordinal)).ToList();
        Assert.Equal(4, downloads.Count);

        var reboot = await BootAsync();
        Assert.True(reboot.ExitCode == 0, reboot.Describe());
        Assert.Equal(
        [
            "daemon-reload",
            "enable etcd.service kube-apiserver.service hamaster-readyz.socket",
            "--no-block start etcd.service",
            "--no-block start kube-apiserver.service",
            "--no-block start hamaster-readyz.socket",
        ], TakeLog("systemctl.log"));
        Assert.Equal(ReplicaMetadataKeys.All.Select(k => $"{StartupScript.MetadataAttributesUrl}/{k}"), TakeLog("curl.log"));
        AssertNoLeftovers();
    }

    [Fact]
    public async Task A_changed_key_in_metadata_restarts_exactly_the_services_that_use_it()
    {
        Assert.Equal(0, (await BootAsync()).ExitCode);
        TakeLog("systemctl.log");

        SetMetadata(ReplicaMetadataKeys.ApiServerKey, "-----BEGIN TEST-----\nrotated\n-----END TEST-----\n");
        Assert.Equal(0, (await BootAsync()).ExitCode);
        var log = TakeLog("systemctl.log");
        Assert.Contains("--no-block start etcd.service", log);
        Assert.Contains("--no-block restart kube-apiserver.service", log);
        Assert.Contains("--no-block start hamaster-readyz.socket", log);
        Assert.Equal("-----BEGIN TEST-----\nrotated\n-----END TEST-----\n", File.ReadAllText(InRoot(ReplicaPaths.ApiServerKey)));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(InRoot(ReplicaPaths.ApiServerKey)));

        SetMetadata(ReplicaMetadataKeys.EtcdKey, "-----BEGIN TEST-----\nrotated\n-----END TEST-----\n");
        Assert.Equal(0, (await BootAsync()).ExitCode);
        log = TakeLog("systemctl.log");
        Assert.Contains("--no-block restart etcd.service", log);
        Assert.Contains("--no-block restart kube-apiserver.service", log);
        Assert.Contains("--no-block start hamaster-readyz.socket", log);
        AssertNoLeftovers();
    }

    [Fact]
    public async Task A_download_that_does_not_match_its_published_checksum_is_not_installed_and_the_next_boot_recovers()
    {
        PublishKubeApiServer(checksumMatches: false);
        var failed = await BootAsync();
        Assert.NotEqual(0, failed.ExitCode);
        Assert.Contains("checksum mismatch", failed.Error);
        Assert.False(Directory.Exists(InRoot(ReplicaPaths.BinDirectory + $"/kubernetes-{_spec.KubernetesVersion}")));
        Assert.False(Directory.Exists(InRoot(ReplicaPaths.BinDirectory + $"/kubernetes-{_spec.KubernetesVersion}.partial")));
        Assert.Empty(TakeLog("systemctl.log"));

        PublishKubeApiServer(checksumMatches: true);
        var recovered = await BootAsync();
        Assert.True(recovered.ExitCode == 0, recovered.Describe());
        Assert.True(File.Exists(InRoot(ReplicaPaths.KubeApiServerBinary(_spec.KubernetesVersion))));
    }

    [Fact]
    public async Task A_missing_metadata_key_stops_the_script_before_anything_runs()
    {
        File.Delete(Path.Combine(_root, "metadata", ReplicaMetadataKeys.ServiceAccountKey));
        var result = await BootAsync();
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains($"instance metadata key {ReplicaMetadataKeys.ServiceAccountKey} could not be read", result.Error);
        Assert.Empty(TakeLog("systemctl.log"));
        AssertNoLeftovers();
    }

    [Fact]
    public async Task A_boot_with_a_restore_restores_the_uploaded_snapshot_once_with_the_releases_etcdutl_before_etcd_starts()
    {
        Assert.Equal(0, (await BootAsync()).ExitCode);
        TakeLog("systemctl.log");
        File.WriteAllText(InRoot(ReplicaPaths.EtcdDataDirectory + "/old-member"), "data of the lost cluster");
        var snapshot = Encoding.ASCII.GetBytes("an etcd snapshot\n");
        var restore = new SnapshotRestoreSpec(Convert.ToHexStringLower(SHA256.HashData(snapshot)), "r1");
        Directory.CreateDirectory(InRoot(SnapshotRestoreSpec.UploadFolder));
        File.WriteAllBytes(InRoot(restore.UploadPath), snapshot);
        var spec = _spec with { Restore = restore, EtcdInitialCluster = [_spec.EtcdInitialCluster.Single(m => m.Key == _spec.ReplicaName)], EtcdNewCluster = true };

        var boot = await BootAsync(Sandboxed(StartupScript.Render(spec)));

        Assert.True(boot.ExitCode == 0, boot.Describe());
        var restored = Assert.Single(TakeLog("etcdutl.log"));
        Assert.Matches("^snapshot restore /\\S+/snapshot.db ", restored);
        Assert.EndsWith($" --name={spec.ReplicaName} --data-dir={InRoot(ReplicaPaths.EtcdDataDirectory)}.restoring"
            + $" --initial-cluster={spec.ReplicaName}={GceEtcdMember.PeerUrl(spec.InternalAddress)} --initial-cluster-token={spec.EtcdClusterToken}"
            + $" --initial-advertise-peer-urls={GceEtcdMember.PeerUrl(spec.InternalAddress)}", restored);
        Assert.Equal(["restored-from"], Directory.GetFiles(InRoot(ReplicaPaths.EtcdDataDirectory)).Select(Path.GetFileName));
        Assert.Equal(snapshot, File.ReadAllBytes(InRoot(ReplicaPaths.EtcdDataDirectory + "/restored-from")));
        Assert.Equal("r1\n", File.ReadAllText(InRoot(SnapshotRestoreSpec.Marker)));
        Assert.False(File.Exists(InRoot(restore.UploadPath)));
        var systemctl = TakeLog("systemctl.log");
        Assert.True(systemctl.IndexOf("stop kube-apiserver.service etcd.service") is var stop and >= 0 && stop < systemctl.IndexOf("--no-block restart etcd.service"), string.Join("\n", systemctl));

        // A reboot with the same restore keeps the restored data and restarts nothing.
        var reboot = await BootAsync(Sandboxed(StartupScript.Render(spec)));
        Assert.True(reboot.ExitCode == 0, reboot.Describe());
        Assert.Empty(TakeLog("etcdutl.log"));
        Assert.Contains("--no-block start etcd.service", TakeLog("systemctl.log"));
    }

    [Theory]
    [InlineData("GET /readyz HTTP/1.1", 0, "HTTP/1.0 200 OK")]
    [InlineData("GET /readyz HTTP/1.1", 22, "HTTP/1.0 503 Service Unavailable")]
    [InlineData("GET /healthz?verbose HTTP/1.1", 0, "HTTP/1.0 200 OK")]
    [InlineData("GET /other HTTP/1.1", 0, "HTTP/1.0 404 Not Found")]
    [InlineData("POST /readyz HTTP/1.1", 0, "HTTP/1.0 405 Method Not Allowed")]
    public async Task The_readiness_responder_answers_with_the_verdict_of_the_API_servers_readyz(string requestLine, int curlExit, string statusLine)
    {
        var responder = Path.Combine(_root, "readyz-responder");
        WriteExecutable(responder, ReadinessResponder.Script);
        WriteExecutable(Path.Combine(_root, "fakebin/curl"), $"#!/bin/bash\necho \"$*\" >>\"$FAKE_ROOT/curl.log\"\nexit {curlExit}\n");

        var result = await ExternalProgram.RunAsync("bash", [responder], TimeSpan.FromSeconds(20),
            standardInput: $"{requestLine}\r\nHost: 10.128.0.2:8080\r\nUser-Agent: GoogleHC/1.0\r\n\r\n", environment: SandboxEnvironment());

        Assert.Equal(0, result.ExitCode);
        Assert.StartsWith(statusLine + "\r\n", result.Output);
        var (head, body) = (result.Output[..result.Output.IndexOf("\r\n\r\n", StringComparison.Ordinal)], result.Output[(result.Output.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..]);
        Assert.Contains($"Content-Length: {Encoding.ASCII.GetByteCount(body)}", head);
        if (statusLine.Contains("200") || statusLine.Contains("503"))
            Assert.Equal(["-sf --max-time 3 --cacert /etc/hamaster/pki/ca.crt -o /dev/null https://127.0.0.1:443/readyz"], TakeLog("curl.log"));
        else
            Assert.Empty(TakeLog("curl.log"));
    }

    private Task<ExternalProgram.Result> BootAsync(string? script = null)
    {
        var file = Path.Combine(_root, "startup-script");
        File.WriteAllText(file, script ?? _script);
        return ExternalProgram.RunAsync("bash", [file], TimeSpan.FromSeconds(60), environment: SandboxEnvironment());
    }

    private Dictionary<string, string> SandboxEnvironment() => new()
    {
        ["PATH"] = $"{Path.Combine(_root, "fakebin")}:/usr/sbin:/usr/bin:/sbin:/bin",
        ["FAKE_ROOT"] = _root,
    };

    private static readonly string[] SandboxedFolders = ["/etc/hamaster", "/opt/hamaster", "/var/lib/hamaster", "/usr/local/lib/hamaster", "/etc/systemd/system", SnapshotRestoreSpec.UploadFolder];

    private string Sandboxed(string script) =>
        SandboxedFolders.Aggregate(script, (text, folder) => text.Replace(folder, _root + folder, StringComparison.Ordinal));

    private string InRoot(string path) => _root + path;

    private void SetMetadata(string key, string value) => File.WriteAllText(Path.Combine(_root, "metadata", key), value);

    private string DownloadFile(string url) => Path.Combine(_root, "downloads", url.Replace("://", "_").Replace('/', '_'));

    private void PublishEtcd()
    {
        var name = EtcdRelease.TarballName(_spec.EtcdVersion, _arch);
        var tarball = DownloadFile($"{EtcdRelease.DownloadFolder(_spec.EtcdVersion)}/{name}.tar.gz");
        using (var file = File.Create(tarball))
        using (var gzip = new GZipStream(file, CompressionLevel.Fastest))
        using (var tar = new TarWriter(gzip, TarEntryFormat.Pax))
        {
            foreach (var program in new[] { "etcd", "etcdctl", "etcdutl" })
            {
                var entry = new PaxTarEntry(TarEntryType.RegularFile, $"{name}/{program}")
                {
                    DataStream = new MemoryStream(Encoding.ASCII.GetBytes(program == "etcdutl" ? FakeEtcdutl : $"fake {program}\n")),
                    Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute,
                };
                tar.WriteEntry(entry);
            }
        }
        var sums = $"{new string('0', 64)}  etcd-{_spec.EtcdVersion}-darwin-amd64.zip\n{Sha256(tarball)}  {name}.tar.gz\n";
        File.WriteAllText(DownloadFile($"{EtcdRelease.DownloadFolder(_spec.EtcdVersion)}/SHA256SUMS"), sums);
    }

    private void PublishKubeApiServer(bool checksumMatches)
    {
        var url = KubernetesRelease.KubeApiServerUrl(_spec.KubernetesVersion, _arch);
        File.WriteAllText(DownloadFile(url), "fake kube-apiserver\n");
        File.WriteAllText(DownloadFile(url + ".sha256"), checksumMatches ? Sha256(DownloadFile(url)) : new string('a', 64));
    }

    private static string Sha256(string file) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(file)));

    private List<string> TakeLog(string name)
    {
        var file = Path.Combine(_root, name);
        if (!File.Exists(file)) return [];
        var lines = File.ReadAllLines(file).ToList();
        File.Delete(file);
        return lines;
    }

    // No temporary file or half-installed folder stays behind: each folder holds exactly its final entries.
    private void AssertNoLeftovers()
    {
        static IEnumerable<string> Names(string folder) => Directory.Exists(folder)
            ? Directory.EnumerateFileSystemEntries(folder).Select(e => Path.GetFileName(e)!).Order()
            : [];
        Assert.Subset(ReplicaMetadataKeys.All.Select(k => Path.GetFileName(ReplicaPaths.FileFor(k))).ToHashSet(), Names(InRoot(ReplicaPaths.PkiDirectory)).ToHashSet());
        Assert.Subset(new HashSet<string> { StartupScript.EtcdUnitName, StartupScript.KubeApiServerUnitName, ReadinessResponder.SocketUnitName, ReadinessResponder.ServiceTemplateName },
            Names(InRoot("/etc/systemd/system")).ToHashSet());
        Assert.Subset(new HashSet<string> { $"etcd-{_spec.EtcdVersion}", $"kubernetes-{_spec.KubernetesVersion}" }, Names(InRoot(ReplicaPaths.BinDirectory)).ToHashSet());
    }

    private static void WriteExecutable(string path, string content)
    {
        File.WriteAllText(path, content);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }
}
