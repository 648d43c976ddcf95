using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using HaMaster.Engine.Certificates;
using HaMaster.Gce.Bootstrap;
using HaMaster.Local;
using HaMaster.Local.Processes;
using HaMaster.Testing.Compute;

namespace HaMaster.Testing.Compute.FakeVm;

/// <summary>
/// Makes the instances of a <see cref="ComputeStandIn"/> real enough for end-to-end tests. It watches
/// the stand-in's instances and, as a replica's startup script would at boot, for each RUNNING one
/// writes the PEMs of its metadata to the files the script names, starts a real etcd member with the
/// script's etcd command line and the API endpoint stand-in (HaMaster.Endpoint) in place of
/// kube-apiserver, on the instance's internal address. A health checker probes each endpoint's
/// <c>/readyz</c> over TLS verified against the cluster CA and reports the verdict through
/// <see cref="ComputeStandIn.SetHealth"/>, as the Compute health check would. An instance that stops
/// stops its processes and keeps its disk; one started again boots again from that disk; one deleted
/// is stopped and wiped. See README.md next to this file.
/// </summary>
public sealed class FakeVmHost : IAsyncDisposable
{
    /// <summary>Upper bound for any single stop, so a stuck process cannot hang a test.</summary>
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(10);

    /// <summary>Linux's SIGHUP: the endpoint reloads its config (and listeners).</summary>
    private const int Sighup = 1;

    private readonly ComputeStandIn _standIn;
    private readonly FakeVmAddressBlock _block;
    private readonly Dictionary<string, FakeVm> _vms = new(StringComparer.Ordinal);
    private readonly HashSet<string> _handedOut = new(StringComparer.Ordinal);
    private readonly List<string> _errors = [];
    private readonly object _gate = new();
    private readonly CancellationTokenSource _stop = new();
    private Task? _watcher;
    private Task? _healthChecker;
    private bool _disposed;

    /// <summary>
    /// Reserves a loopback block 127.9.N.0/24 and a folder (under <paramref name="parentFolder"/>, by
    /// default the temporary folder). Nothing runs until <see cref="Start"/>.
    /// </summary>
    public FakeVmHost(ComputeStandIn standIn, string? parentFolder = null)
    {
        _standIn = standIn ?? throw new ArgumentNullException(nameof(standIn));
        var parent = parentFolder ?? Path.GetTempPath();
        Directory.CreateDirectory(parent);
        FakeVmLeftovers.CleanUp(parent);
        Folder = Path.Combine(parent, $"{FakeVmLeftovers.FolderPrefix}{Convert.ToHexString(RandomNumberGenerator.GetBytes(5)).ToLowerInvariant()}");
        Directory.CreateDirectory(Folder);
        FakeVmLeftovers.RecordOwner(Folder);
        _block = FakeVmAddressBlock.Reserve(Folder);
        InternalAddressPool = new AddressPool(_block.Prefix, 2, 99);
        StaticAddressPool = new AddressPool(_block.Prefix, 100, 179);
        EphemeralAddressPool = new AddressPool(_block.Prefix, 180, 254);
    }

    /// <summary>
    /// A parent folder for a harness with <see cref="SshServers"/>: sshd confines the module's SSH user
    /// to its VM's root folder (ChrootDirectory), which it allows only under folders that belong to
    /// root and no one else can write (not the temporary folder).
    /// </summary>
    public const string RootOwnedParentFolder = "/var/lib/hamaster-fakevms";

    /// <summary>Every file and process of this harness is under (has on its command line) this folder.</summary>
    public string Folder { get; }

    /// <summary>The reserved block's first three octets, such as <c>127.9.41</c>.</summary>
    public string AddressPrefix => _block.Prefix;

    /// <summary>The stand-in's pool for networkIP (hosts .2–.99 of the block), set by <see cref="Start"/>.</summary>
    public AddressPool InternalAddressPool { get; }
    /// <summary>The stand-in's pool for static external addresses (.100–.179), so a test can bind or probe them.</summary>
    public AddressPool StaticAddressPool { get; }
    /// <summary>The stand-in's pool for ephemeral external addresses (.180–.254).</summary>
    public AddressPool EphemeralAddressPool { get; }

    /// <summary>The etcd program: <c>$HAMASTER_ETCD</c>, else /usr/bin/etcd (etcd 3.4 takes the same flags as the VMs' 3.5).</summary>
    public string EtcdProgram { get; init; } = Environment.GetEnvironmentVariable(LocalComponents.EtcdVariable) is { Length: > 0 } named ? named : "/usr/bin/etcd";

    /// <summary>
    /// The API endpoint's port; null: kube-apiserver's <c>--secure-port</c> from the startup script
    /// (443, <see cref="KubeApiServerCommandLine.SecurePort"/>), which needs root or a lowered
    /// net.ipv4.ip_unprivileged_port_start.
    /// </summary>
    public int? ApiPort { get; init; }

    /// <summary>
    /// Whether each VM also runs an SSH server on its external address (<see cref="FakeVmSshd"/>), for
    /// the module's SSH tunnel to etcd. Default false. Needs root (port 22, and the accounts of the
    /// <c>ssh-keys</c> metadata).
    /// </summary>
    public bool SshServers { get; init; }

    /// <summary>How often the stand-in's instances are read. Default 50 ms.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>How often each endpoint's /readyz is probed. Default 250 ms.</summary>
    public TimeSpan HealthCheckInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>The health probe's time limit. Default 2 s.</summary>
    public TimeSpan HealthCheckTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>When a process of a RUNNING VM exits, it is started again after this long (systemd's RestartSec=5 in the units). Default 5 s.</summary>
    public TimeSpan RestartDelay { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Whether the health checker calls <see cref="ComputeStandIn.SetHealth"/>. Default true; set false
    /// when a test sets health itself (the harness still records <see cref="FakeVm.Health"/>).
    /// </summary>
    public bool ManageHealth { get; init; } = true;

    /// <summary>Problems of the harness itself and of boots (also in <see cref="FakeVm.LastError"/>); a clean run has none.</summary>
    public IReadOnlyList<string> Errors { get { lock (_gate) return _errors.ToArray(); } }

    /// <summary>The fake VMs of the instances that exist now.</summary>
    public IReadOnlyList<FakeVm> Vms { get { lock (_gate) return _vms.Values.OrderBy(v => v.Path, StringComparer.Ordinal).ToArray(); } }

    /// <summary>The fake VM of the instance named <paramref name="name"/> (in any project and zone), or null.</summary>
    public FakeVm? Vm(string name)
    {
        lock (_gate) return _vms.Values.FirstOrDefault(v => v.Name == name);
    }

    /// <summary>
    /// Sets the stand-in's address pools to this harness's block and starts watching its instances and
    /// checking their health.
    /// </summary>
    public void Start()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_watcher is not null) throw new InvalidOperationException("The harness is already started.");
        _standIn.InternalAddressPool = InternalAddressPool;
        _standIn.StaticAddressPool = StaticAddressPool;
        _standIn.EphemeralAddressPool = EphemeralAddressPool;
        _watcher = Task.Run(() => WatchAsync(_stop.Token));
        _healthChecker = Task.Run(() => CheckHealthAsync(_stop.Token));
    }

    /// <summary>
    /// An internal address of the block that no instance uses and that was not handed out before: for
    /// a test (or a provider under test) that passes <c>networkIP</c> in the insert body.
    /// </summary>
    public string AllocateInternalAddress()
    {
        var used = _standIn.Inventory().Where(IsInstancePath).Select(p => InternalAddressOf(_standIn.GetResource(p))).ToHashSet(StringComparer.Ordinal);
        lock (_gate)
        {
            for (var host = InternalAddressPool.Last; host >= InternalAddressPool.First; host--)
            {
                // From the top down, away from what the stand-in allocates itself (bottom up).
                var address = $"{AddressPrefix}.{host}";
                if (used.Contains(address) || !_handedOut.Add(address)) continue;
                return address;
            }
        }
        throw new InvalidOperationException($"No free internal address left in {InternalAddressPool}.");
    }

    /// <summary>Waits until <paramref name="condition"/> holds; on time-out throws with every VM's state and log tails.</summary>
    public async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow >= deadline)
                throw new TimeoutException($"Not within {timeout.TotalSeconds:0.#} s: {what}.\n{DescribeAll()}");
            await Task.Delay(PollInterval).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Waits until <paramref name="condition"/> answers true; an exception counts as false (a member
    /// not yet serving). On time-out throws with the last exception, every VM's state and log tails.
    /// </summary>
    public async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        Exception? last = null;
        while (true)
        {
            try
            {
                if (await condition().ConfigureAwait(false)) return;
                last = null;
            }
            catch (Exception e)
            {
                last = e;
            }
            if (DateTime.UtcNow >= deadline)
                throw new TimeoutException($"Not within {timeout.TotalSeconds:0.#} s: {what}."
                    + (last is null ? "" : $" Last error: {last.GetType().Name}: {last.Message}") + $"\n{DescribeAll()}", last);
            await Task.Delay(PollInterval).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Waits until every booted VM's API endpoint accepts connections on the external address its
    /// instance has now. On Compute Engine a changed access config takes effect at once (kube-apiserver
    /// binds 0.0.0.0); here the endpoint follows it within a poll and a reload, which a test that reads
    /// health right after the frontend moved an address must wait for.
    /// </summary>
    public Task WaitForExternalAddressesAsync(TimeSpan timeout) =>
        WaitUntilAsync(async () =>
        {
            foreach (var vm in Vms.Where(v => v.State == FakeVmState.Running && v.Status == "RUNNING"))
            {
                var external = ExternalAddressOf(_standIn.GetResource(vm.Path) ?? new JsonObject());
                if (external is null) continue;
                using var client = new System.Net.Sockets.TcpClient();
                await client.ConnectAsync(external, vm.ApiPort).ConfigureAwait(false);
            }
            return true;
        }, timeout, "every VM's endpoint listens on its current external address");

    /// <summary>Waits until the VM of instance <paramref name="name"/> reports <paramref name="health"/> (HEALTHY or UNHEALTHY).</summary>
    public Task WaitForHealthAsync(string name, string health, TimeSpan timeout) =>
        WaitUntilAsync(() => Vm(name)?.Health == health, timeout, $"{name} {health}");

    /// <summary>Every VM's state and last log lines, and the harness's errors.</summary>
    public string DescribeAll()
    {
        var lines = Vms.Select(v => v.Describe()).ToList();
        if (lines.Count == 0) lines.Add("(no VM)");
        var errors = Errors;
        if (errors.Count > 0) lines.Add("harness errors:\n  " + string.Join("\n  ", errors));
        return string.Join("\n", lines);
    }

    // ---- watching the stand-in ---------------------------------------------------------------------

    private static bool IsInstancePath(string path)
    {
        var parts = path.Split('/');
        return parts.Length == 6 && parts[0] == "projects" && parts[2] == "zones" && parts[4] == "instances";
    }

    private static string InternalAddressOf(JsonObject? instance) =>
        instance?["networkInterfaces"]?[0]?["networkIP"]?.GetValue<string>() ?? "";

    private async Task WatchAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await ReconcileAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                AddError($"watcher: {e.GetType().Name}: {e.Message}");
            }
            try
            {
                await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>One pass: the instances now (after due operations complete) against the VMs known.</summary>
    private async Task ReconcileAsync(CancellationToken cancellationToken)
    {
        var seen = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        foreach (var path in _standIn.Inventory().Where(IsInstancePath))
        {
            if (_standIn.GetResource(path) is { } instance) seen[path] = instance;
        }

        FakeVm[] known;
        lock (_gate) known = _vms.Values.ToArray();

        // Deleted (or replaced by a new instance of the same name): stopped and wiped, as its disk goes.
        foreach (var vm in known)
        {
            if (seen.TryGetValue(vm.Path, out var instance) && instance["id"]?.GetValue<string>() == vm.Id) continue;
            await StopAsync(vm, cancellationToken).ConfigureAwait(false);
            Wipe(vm);
            lock (_gate) _vms.Remove(vm.Path);
        }

        foreach (var (path, instance) in seen)
        {
            FakeVm? vm;
            lock (_gate) _vms.TryGetValue(path, out vm);
            if (vm is null)
            {
                var id = instance["id"]?.GetValue<string>() ?? "";
                vm = new FakeVm(path, id, InternalAddressOf(instance), VmFolder(path, id));
                lock (_gate) _vms[path] = vm;
            }
            var status = instance["status"]?.GetValue<string>() ?? "";
            vm.Status = status;
            if (status == "RUNNING")
            {
                if (vm.State == FakeVmState.Stopped) Boot(vm, instance);
                else if (vm.State == FakeVmState.Restoring)
                {
                    await FollowExternalAddressAsync(vm, instance, cancellationToken).ConfigureAwait(false);
                    await ContinueRestoreAsync(vm, cancellationToken).ConfigureAwait(false);
                }
                else if (vm.State == FakeVmState.Running)
                {
                    await FollowExternalAddressAsync(vm, instance, cancellationToken).ConfigureAwait(false);
                    RestartExited(vm);
                }
            }
            else if (vm.State != FakeVmState.Stopped)
            {
                // STOPPING, TERMINATED (and the STOPPING of a delete): the guest shuts down.
                await StopAsync(vm, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private string VmFolder(string path, string id)
    {
        var parts = path.Split('/');
        return Path.Combine(Folder, "vms", parts[1], parts[3], $"{parts[5]}-{id}");
    }

    // ---- one VM ------------------------------------------------------------------------------------

    /// <summary>What the startup script does at every boot: write the metadata PEMs, start etcd and the API server.</summary>
    private void Boot(FakeVm vm, JsonObject instance)
    {
        try
        {
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var item in instance["metadata"]?["items"]?.AsArray() ?? [])
                metadata[item!["key"]!.GetValue<string>()] = item["value"]?.GetValue<string>() ?? "";
            if (!metadata.TryGetValue(ReplicaMetadataKeys.StartupScript, out var script))
                throw new FormatException($"the instance has no {ReplicaMetadataKeys.StartupScript} metadata item");
            var plan = FakeVmBootPlan.Parse(script);

            Directory.CreateDirectory(vm.RootFolder);
            foreach (var file in plan.Files)
            {
                // fetch_metadata fails the script on a missing or empty key: nothing starts.
                if (!metadata.TryGetValue(file.Key, out var value) || value.Length == 0)
                    throw new FormatException($"the startup script reads metadata key {file.Key}, which is missing or empty");
                var target = FakeVmBootPlan.Rooted(vm.RootFolder, file.VmPath);
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.WriteAllText(target, value);
                File.SetUnixFileMode(target, file.Mode);
            }

            var etcdArguments = EtcdArguments(plan.EtcdArguments, vm);
            var api = plan.KubeApiServerArguments;
            vm.EtcdArguments = etcdArguments;
            vm.EtcdDataDirectory = FakeVmBootPlan.Flag(etcdArguments, "data-dir");
            vm.EtcdClientUrl = FakeVmBootPlan.Flag(etcdArguments, "advertise-client-urls");
            vm.EtcdPeerUrl = FakeVmBootPlan.Flag(etcdArguments, "initial-advertise-peer-urls");
            vm.ApiPort = ApiPort ?? int.Parse(FakeVmBootPlan.Flag(api, "secure-port"), System.Globalization.CultureInfo.InvariantCulture);
            vm.ClusterCaFile = FakeVmBootPlan.Rooted(vm.RootFolder, FakeVmBootPlan.Flag(api, "client-ca-file"));
            var advertised = new Uri(vm.EtcdClientUrl).Host;
            if (advertised != vm.InternalAddress)
                throw new FormatException($"the startup script's etcd advertises {advertised}, but the instance's networkIP is {vm.InternalAddress}");

            // The endpoint in place of kube-apiserver: its TLS identity and etcd client identity are the
            // files kube-apiserver's flags name. kube-apiserver reaches etcd on 127.0.0.1; here the
            // member's internal address (127.0.0.1:2379 would be shared by every fake VM).
            vm.Endpoint = new EndpointSettings(
                FakeVmBootPlan.Rooted(vm.RootFolder, FakeVmBootPlan.Flag(api, "tls-cert-file")),
                FakeVmBootPlan.Rooted(vm.RootFolder, FakeVmBootPlan.Flag(api, "tls-private-key-file")),
                vm.EtcdClientUrl,
                FakeVmBootPlan.Rooted(vm.RootFolder, FakeVmBootPlan.Flag(api, "etcd-cafile")),
                FakeVmBootPlan.Rooted(vm.RootFolder, FakeVmBootPlan.Flag(api, "etcd-certfile")),
                FakeVmBootPlan.Rooted(vm.RootFolder, FakeVmBootPlan.Flag(api, "etcd-keyfile")),
                plan.KubernetesVersion);
            vm.ExternalAddress = ExternalAddressOf(instance);
            WriteEndpointConfig(vm);
            if (SshServers) FakeVmSshd.Prepare(vm, metadata, _standIn);

            vm.LastError = null;
            vm.Boots++;
            if (SshServers && vm.ExternalAddress is not null) StartSsh(vm);
            // The script's restore_snapshot, when this boot carries a restore not done yet, comes before etcd.
            vm.PendingRestore = plan.Restore is { } restore && !FakeVmRestore.IsDone(vm, restore) ? restore : null;
            if (vm.PendingRestore is not null)
            {
                vm.State = FakeVmState.Restoring;
                return;
            }
            StartEtcd(vm);
            StartEndpoint(vm);
            vm.State = FakeVmState.Running;
        }
        catch (Exception e) when (e is FormatException or IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            vm.LastError = $"boot failed: {e.Message}";
            vm.State = FakeVmState.Failed;
            AddError($"{vm.Name}: {vm.LastError}");
        }
    }

    /// <summary>The restore goes on once the snapshot has been uploaded; then etcd and the endpoint start, as after the script's restore.</summary>
    private async Task ContinueRestoreAsync(FakeVm vm, CancellationToken cancellationToken)
    {
        try
        {
            if (!await FakeVmRestore.TryRunAsync(vm, vm.PendingRestore!, cancellationToken).ConfigureAwait(false)) return;
            vm.PendingRestore = null;
            StartEtcd(vm);
            StartEndpoint(vm);
            vm.State = FakeVmState.Running;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            vm.LastError = $"restore failed: {e.Message}";
            vm.State = FakeVmState.Failed;
            AddError($"{vm.Name}: {vm.LastError}");
        }
    }

    /// <summary>
    /// The script's etcd command line, run here: VM paths moved into the VM's root folder, and the
    /// loopback client listener (<see cref="GceEtcdMember.LoopbackClientUrl"/>) left out, since
    /// 127.0.0.1:2379 cannot belong to every fake VM at once.
    /// </summary>
    private static List<string> EtcdArguments(IReadOnlyList<string> script, FakeVm vm)
    {
        var arguments = new List<string>();
        foreach (var argument in script)
        {
            var equals = argument.IndexOf('=');
            if (equals < 0)
            {
                arguments.Add(argument);
                continue;
            }
            var flag = argument[..equals];
            var value = argument[(equals + 1)..];
            if (flag == "--listen-client-urls")
            {
                value = string.Join(",", value.Split(',').Where(url => url != GceEtcdMember.LoopbackClientUrl));
                if (value.Length == 0) throw new FormatException("etcd listens for clients on loopback only");
            }
            else if (value.StartsWith('/'))
            {
                value = FakeVmBootPlan.Rooted(vm.RootFolder, value);
            }
            arguments.Add($"{flag}={value}");
        }
        return arguments;
    }

    private void StartEtcd(FakeVm vm)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(vm.EtcdDataDirectory)!);
        vm.EtcdPid = DetachedProcess.Start(EtcdProgram, vm.EtcdArguments, vm.EtcdLog);
        vm.EtcdStartedAt = DateTime.UtcNow;
    }

    private static void StartEndpoint(FakeVm vm)
    {
        var (program, arguments) = EndpointLauncher.CommandFor(vm.EndpointConfig);
        vm.EndpointPid = DetachedProcess.Start(program, arguments, vm.EndpointLog);
        vm.EndpointStartedAt = DateTime.UtcNow;
    }

    private static void StartSsh(FakeVm vm)
    {
        vm.SshPid = FakeVmSshd.Start(vm);
        vm.SshStartedAt = DateTime.UtcNow;
    }

    /// <summary>
    /// kube-apiserver binds 0.0.0.0, so a VM answers on its internal address and, through Compute's
    /// one-to-one NAT, on the external address of its access config while it has one.
    /// </summary>
    private static void WriteEndpointConfig(FakeVm vm)
    {
        var settings = vm.Endpoint!;
        var listen = new List<string> { $"{vm.InternalAddress}:{vm.ApiPort}" };
        if (vm.ExternalAddress is { } external) listen.Add($"{external}:{vm.ApiPort}");
        var config = JsonSerializer.Serialize(new
        {
            replica = vm.Name,
            listen,
            certFile = settings.CertFile,
            keyFile = settings.KeyFile,
            etcd = new { endpoint = settings.EtcdEndpoint, caFile = settings.EtcdCaFile, certFile = settings.EtcdCertFile, keyFile = settings.EtcdKeyFile },
            gitVersion = settings.GitVersion,
            clientCaFile = vm.ClusterCaFile,
        }, new JsonSerializerOptions { WriteIndented = true });
        File.WriteAllText(vm.EndpointConfig + ".tmp", config);
        File.Move(vm.EndpointConfig + ".tmp", vm.EndpointConfig, overwrite: true);
    }

    /// <summary>
    /// The access config's address changed while the VM runs (the frontend moving the cluster address):
    /// the endpoint reloads, and sshd moves to the new address (or stops while there is none).
    /// </summary>
    private async Task FollowExternalAddressAsync(FakeVm vm, JsonObject instance, CancellationToken cancellationToken)
    {
        var external = ExternalAddressOf(instance);
        if (external == vm.ExternalAddress) return;
        vm.ExternalAddress = external;
        WriteEndpointConfig(vm);
        if (vm.EndpointRunning) DetachedProcess.Signal(vm.EndpointPid, Sighup);
        if (!SshServers) return;
        FakeVmSshd.WriteConfig(vm);
        if (external is null) await DetachedProcess.StopAllAsync(vm.SshMarker, graceful: false, StopGrace, cancellationToken).ConfigureAwait(false);
        else if (vm.SshRunning) DetachedProcess.Signal(vm.SshPid, Sighup);
        else StartSsh(vm);
    }

    private static string? ExternalAddressOf(JsonObject instance) =>
        instance["networkInterfaces"]?[0]?["accessConfigs"]?[0]?["natIP"]?.GetValue<string>();

    /// <summary>systemd's Restart=always: a process of a running VM that exited is started again after <see cref="RestartDelay"/>.</summary>
    private void RestartExited(FakeVm vm)
    {
        var now = DateTime.UtcNow;
        if (!vm.EtcdRunning && now - vm.EtcdStartedAt >= RestartDelay) StartEtcd(vm);
        if (!vm.EndpointRunning && now - vm.EndpointStartedAt >= RestartDelay) StartEndpoint(vm);
        if (SshServers && vm.ExternalAddress is not null && !vm.SshRunning && now - vm.SshStartedAt >= RestartDelay) StartSsh(vm);
    }

    /// <summary>A guest shutdown: SIGTERM, then SIGKILL after a grace period; the disk stays.</summary>
    private static async Task StopAsync(FakeVm vm, CancellationToken cancellationToken)
    {
        if (vm.EndpointPid > 0 || File.Exists(vm.EndpointConfig))
            await DetachedProcess.StopAllAsync(vm.EndpointMarker, graceful: true, StopGrace, cancellationToken).ConfigureAwait(false);
        if (vm.EtcdDataDirectory.Length > 0)
            await DetachedProcess.StopAllAsync(vm.EtcdMarker, graceful: true, StopGrace, cancellationToken).ConfigureAwait(false);
        if (File.Exists(vm.SshConfig))
            await DetachedProcess.StopAllAsync(vm.SshMarker, graceful: true, StopGrace, cancellationToken).ConfigureAwait(false);
        vm.EtcdPid = 0;
        vm.EndpointPid = 0;
        vm.SshPid = 0;
        vm.State = FakeVmState.Stopped;
        vm.Health = "UNHEALTHY";
    }

    private static void Wipe(FakeVm vm)
    {
        if (Directory.Exists(vm.Folder)) Directory.Delete(vm.Folder, recursive: true);
    }

    // ---- the health checker ------------------------------------------------------------------------

    private async Task CheckHealthAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.WhenAll(Vms.Select(vm => CheckAsync(vm, cancellationToken))).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                AddError($"health checker: {e.GetType().Name}: {e.Message}");
            }
            try
            {
                await Task.Delay(HealthCheckInterval, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task CheckAsync(FakeVm vm, CancellationToken cancellationToken)
    {
        var healthy = vm.State == FakeVmState.Running && vm.Status == "RUNNING" && await ReadyAsync(vm, cancellationToken).ConfigureAwait(false);
        var health = healthy ? "HEALTHY" : "UNHEALTHY";
        // A stop that happened during the probe wins: the verdict is only for a VM still running.
        if (healthy && vm.State != FakeVmState.Running) health = "UNHEALTHY";
        vm.Health = health;
        if (ManageHealth) _standIn.SetHealth(vm.Name, health);
    }

    /// <summary>GET /readyz on the internal address, trusting only the cluster CA and requiring the address in the certificate.</summary>
    private async Task<bool> ReadyAsync(FakeVm vm, CancellationToken cancellationToken)
    {
        try
        {
            using var ca = PemFile.LoadCertificate(vm.ClusterCaFile);
            using var handler = new SocketsHttpHandler
            {
                ConnectTimeout = HealthCheckTimeout,
                PooledConnectionLifetime = TimeSpan.Zero,
                SslOptions = { RemoteCertificateValidationCallback = TrustValidation.CallbackTrusting(ca, vm.InternalAddress) },
            };
            using var client = new HttpClient(handler) { Timeout = HealthCheckTimeout };
            using var response = await client.GetAsync($"https://{vm.InternalAddress}:{vm.ApiPort}/readyz", cancellationToken).ConfigureAwait(false);
            return response.IsSuccessStatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or IOException or CryptographicException
                                   || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return false;
        }
    }

    private void AddError(string error)
    {
        lock (_gate) _errors.Add(error);
    }

    // ---- disposal ----------------------------------------------------------------------------------

    /// <summary>Stops the loops and every process, deletes the folder and releases the address block.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        _stop.Cancel();
        foreach (var task in new[] { _watcher, _healthChecker })
        {
            if (task is null) continue;
            try { await task.ConfigureAwait(false); } catch (OperationCanceledException) { }
        }
        await Task.WhenAll(Vms.Select(vm => StopAsync(vm, CancellationToken.None))).ConfigureAwait(false);
        // Anything else started under the folder (a boot racing the cancellation).
        await DetachedProcess.StopAllAsync(Folder, graceful: false, StopGrace, CancellationToken.None).ConfigureAwait(false);
        lock (_gate) _vms.Clear();
        if (Directory.Exists(Folder)) Directory.Delete(Folder, recursive: true);
        _block.Dispose();
        _stop.Dispose();
    }
}
