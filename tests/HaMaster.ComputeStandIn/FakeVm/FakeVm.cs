using HaMaster.Local.Processes;

namespace HaMaster.Testing.Compute.FakeVm;

/// <summary>Where a fake VM is in its life, as the harness sees it.</summary>
public enum FakeVmState
{
    /// <summary>The instance is not RUNNING (or not yet booted): no process runs; its disk (root folder) is kept.</summary>
    Stopped,
    /// <summary>Booted: etcd and the API endpoint were started (they may still be joining or failing; see the logs).</summary>
    Running,
    /// <summary>Booting with a restore: waiting for the uploaded snapshot (sshd runs, etcd and the endpoint do not yet).</summary>
    Restoring,
    /// <summary>The boot failed before anything started (bad metadata or script); see <see cref="FakeVm.LastError"/>.</summary>
    Failed,
}

/// <summary>
/// One Compute Engine instance of the stand-in made real by <see cref="FakeVmHost"/>: a folder that
/// stands for its disk (<see cref="RootFolder"/> holds the VM's own paths, <c>etc/hamaster/pki/…</c>,
/// <c>var/lib/hamaster/etcd</c>) and, while RUNNING, a real etcd member and the API endpoint stand-in
/// on its internal address. Read it from any thread; the harness updates it.
/// </summary>
public sealed class FakeVm
{
    private readonly object _gate = new();
    private FakeVmState _state = FakeVmState.Stopped;
    private string _health = "UNHEALTHY";
    private string? _lastError;
    private string _status = "";
    private int _boots;

    internal FakeVm(string path, string id, string internalAddress, string folder)
    {
        var parts = path.Split('/');
        Path = path;
        Project = parts[1];
        Zone = parts[3];
        Name = parts[5];
        Id = id;
        InternalAddress = internalAddress;
        Folder = folder;
    }

    /// <summary><c>projects/p/zones/z/instances/name</c>.</summary>
    public string Path { get; }
    public string Project { get; }
    public string Zone { get; }
    public string Name { get; }
    /// <summary>The instance id: an instance deleted and inserted again with the same name is another VM, with a fresh disk.</summary>
    public string Id { get; }
    /// <summary>The instance's <c>networkIP</c>: etcd and the API endpoint listen here.</summary>
    public string InternalAddress { get; }
    /// <summary>Everything of this VM: its root folder, logs and the endpoint's config. Removed when the instance is deleted.</summary>
    public string Folder { get; }
    /// <summary>The VM's file system: a VM path such as <c>/etc/hamaster/pki/ca.crt</c> is at <c>RootFolder/etc/hamaster/pki/ca.crt</c>.</summary>
    public string RootFolder => System.IO.Path.Combine(Folder, "root");
    public string EtcdLog => System.IO.Path.Combine(Folder, "etcd.log");
    public string EndpointLog => System.IO.Path.Combine(Folder, "endpoint.log");
    public string EndpointConfig => System.IO.Path.Combine(Folder, "endpoint.json");
    public string SshConfig => System.IO.Path.Combine(Folder, "sshd_config");
    public string SshLog => System.IO.Path.Combine(Folder, "sshd.log");
    public string SshAuthorizedKeys => System.IO.Path.Combine(Folder, "authorized_keys");
    /// <summary>The VM's SSH host key: made at its first boot and kept on its disk, like /etc/ssh/ssh_host_ed25519_key.</summary>
    public string SshHostKey => System.IO.Path.Combine(RootFolder, "etc", "ssh", "ssh_host_ed25519_key");

    /// <summary>The member's client URL (its advertised one; the VM's extra loopback listener is left out, see the README).</summary>
    public string EtcdClientUrl { get; internal set; } = "";
    public string EtcdPeerUrl { get; internal set; } = "";
    /// <summary>The port the API endpoint listens on at <see cref="InternalAddress"/> (kube-apiserver's <c>--secure-port</c>, 443).</summary>
    public int ApiPort { get; internal set; }
    /// <summary>The etcd command line of the last boot, as run here.</summary>
    public IReadOnlyList<string> EtcdArguments { get; internal set; } = [];
    /// <summary>The etcd data directory (under <see cref="RootFolder"/>); kept while stopped, like the VM's disk.</summary>
    public string EtcdDataDirectory { get; internal set; } = "";

    /// <summary>What only this VM's etcd has on its command line.</summary>
    public string EtcdMarker => $"--data-dir={EtcdDataDirectory}";
    /// <summary>What only this VM's API endpoint has on its command line.</summary>
    public string EndpointMarker => EndpointConfig;

    /// <summary>What only this VM's sshd has on its command line.</summary>
    public string SshMarker => SshConfig;

    internal int EtcdPid { get; set; }
    internal int SshPid { get; set; }
    internal int EndpointPid { get; set; }
    internal DateTime EtcdStartedAt { get; set; }
    internal DateTime EndpointStartedAt { get; set; }
    internal DateTime SshStartedAt { get; set; }
    internal string ClusterCaFile { get; set; } = "";
    internal EndpointSettings? Endpoint { get; set; }
    internal FakeVmBootPlan.SnapshotRestore? PendingRestore { get; set; }

    /// <summary>The external address of the instance's access config at boot or since it last changed, or null; the endpoint also listens there.</summary>
    public string? ExternalAddress { get; internal set; }

    public FakeVmState State { get { lock (_gate) return _state; } internal set { lock (_gate) _state = value; } }
    /// <summary>The instance status last read from the stand-in (RUNNING, STOPPING, TERMINATED, …).</summary>
    public string Status { get { lock (_gate) return _status; } internal set { lock (_gate) _status = value; } }
    /// <summary>The verdict of the harness's health checker: HEALTHY when <c>/readyz</c> answered 200 over verified TLS.</summary>
    public string Health { get { lock (_gate) return _health; } internal set { lock (_gate) _health = value; } }
    /// <summary>How many times the VM booted (started its processes).</summary>
    public int Boots { get { lock (_gate) return _boots; } internal set { lock (_gate) _boots = value; } }
    public string? LastError { get { lock (_gate) return _lastError; } internal set { lock (_gate) _lastError = value; } }

    public bool EtcdRunning => EtcdPid > 0 && DetachedProcess.IsRunning(EtcdPid, EtcdMarker);
    public bool EndpointRunning => EndpointPid > 0 && DetachedProcess.IsRunning(EndpointPid, EndpointMarker);
    public bool SshRunning => SshPid > 0 && DetachedProcess.IsRunning(SshPid, SshMarker);

    /// <summary>The last lines of both logs, for failure messages.</summary>
    public string Describe(int lines = 5)
    {
        static string Tail(string file, int n) => File.Exists(file) ? string.Join("\n    ", File.ReadLines(file).TakeLast(n)) : "(no log)";
        return $"{Name} ({InternalAddress}): status {Status}, {State}, {Health}, boots {Boots}"
            + (LastError is null ? "" : $", error: {LastError}")
            + $"\n  etcd {(EtcdRunning ? "running" : "not running")}:\n    {Tail(EtcdLog, lines)}"
            + $"\n  endpoint {(EndpointRunning ? "running" : "not running")}:\n    {Tail(EndpointLog, lines)}"
            + (File.Exists(SshLog) ? $"\n  sshd {(SshRunning ? "running" : "not running")}:\n    {Tail(SshLog, lines)}" : "");
    }

    public override string ToString() => $"{Name} ({InternalAddress}, {State}, {Health})";
}

/// <summary>The endpoint's files and etcd client settings, from kube-apiserver's flags in the startup script.</summary>
internal sealed record EndpointSettings(string CertFile, string KeyFile, string EtcdEndpoint, string EtcdCaFile, string EtcdCertFile, string EtcdKeyFile, string GitVersion);
