using HaMaster.Engine;
using HaMaster.Engine.Certificates;
using HaMaster.Engine.Errors;
using HaMaster.Engine.Etcd;
using HaMaster.Engine.Model;
using HaMaster.Engine.Pki;
using HaMaster.Engine.Providers;
using HaMaster.Engine.State;
using HaMaster.Gce.Bootstrap;
using HaMaster.Gce.Compute;
using HaMaster.Gce.Ssh;
using LoadBalancerView = HaMaster.LoadBalancer;

namespace HaMaster.Gce;

/// <summary>
/// Replicas as Compute Engine VMs, with kube-up's resource names (DESIGN §6): the static address
/// <c>&lt;c&gt;-master-ip</c>, kube-up's firewalls plus SSH and health-check ones, one instance per replica
/// that configures itself from its metadata, and the address moved between the only master and a
/// forwarding rule by <see cref="GceFrontend"/>. Every method looks at what exists first, so it can be
/// run again after an interruption; independent operations run in parallel.
/// <para>
/// Per cluster, <see cref="ClusterState.ProviderData"/> records the project, region, network, subnet
/// range replicas take their internal addresses from (<see cref="GceSubnet"/>), machine type, Kubernetes
/// version and how the module reaches the replicas (<see cref="GceAccess"/>). The module's SSH key and the cluster's service-account signing key are
/// kept owner-only in <c>&lt;state&gt;/clusters/&lt;c&gt;/gce/</c>.
/// </para>
/// </summary>
public sealed class GceProvider : IReplicaProvider, IDisposable
{
    public const string ProjectKey = "project";
    public const string RegionKey = "region";
    public const string NetworkKey = "network";
    public const string SubnetRangeKey = "subnetRange";
    public const string AccessKey = "access";
    public const string MachineTypeKey = "machineType";
    public const string KubernetesVersionKey = "kubernetesVersion";
    /// <summary>In a replica's provider data: the SSH host key fingerprint seen first (pinned after).</summary>
    public const string SshHostKeyKey = "sshHostKey";

    public const string ClusterLabel = "cluster";
    public const string RoleLabel = "role";
    public const string MasterRole = "master";
    public const string SshKeysMetadataKey = "ssh-keys";
    public const string SshKeyFile = "ssh-key";
    public const string ServiceAccountKeyFile = "service-account.key";

    /// <summary>Where Google's health checkers come from (Compute Engine documentation).</summary>
    public static readonly IReadOnlyList<string> HealthCheckRanges = ["35.191.0.0/16", "209.85.152.0/22", "209.85.204.0/22"];

    private readonly StateDirectory _directory;
    private readonly Func<CancellationToken, Task<ComputeService>> _computeFactory;
    private readonly GceProviderOptions _options;
    private readonly object _computeLock = new();
    private Task<ComputeService>? _compute;
    private ComputeService? _created;

    /// <summary>A provider on <paramref name="compute"/> (tests give one pointed at a stand-in); the caller disposes it.</summary>
    public GceProvider(StateDirectory directory, ComputeService compute, GceProviderOptions? options = null)
        : this(directory, _ => Task.FromResult(compute), options)
    {
        ArgumentNullException.ThrowIfNull(compute);
    }

    /// <summary>
    /// A provider that makes its <see cref="ComputeService"/> on first use with <paramref name="computeFactory"/>
    /// (null: <see cref="ComputeService.CreateAsync"/>, Application Default Credentials).
    /// </summary>
    public GceProvider(StateDirectory directory, Func<CancellationToken, Task<ComputeService>>? computeFactory = null, GceProviderOptions? options = null)
    {
        _directory = directory ?? throw new ArgumentNullException(nameof(directory));
        _options = options ?? new GceProviderOptions();
        _computeFactory = computeFactory ?? (async ct => _created = await ComputeService.CreateAsync(null, ct).ConfigureAwait(false));
    }

    public ProviderKind Kind => ProviderKind.Gce;

    public int ApiPort => KubeApiServerCommandLine.SecurePort;

    public GceProviderOptions Options => _options;

    // ----- prerequisites, zones -------------------------------------------------------------------

    /// <summary>
    /// Checks the options only: no network call, and no project check, since the request may name the
    /// project (<see cref="ReserveClusterAddressAsync"/> reports a missing one with what to set).
    /// </summary>
    public void CheckPrerequisites()
    {
        if (_options.SubnetRange is { } range)
            Check(range, "subnet range", "Give the IPv4 range (CIDR) of the subnet replicas use in the cluster's region, such as 10.128.0.0/20.", () => GceSubnet.Parse(range));
        Check(_options.KubernetesVersion, "Kubernetes version", $"Give a release such as {KubernetesRelease.DefaultVersion}.", () => KubernetesRelease.Parse(_options.KubernetesVersion));
        foreach (var (value, what) in new[] { (_options.MachineType, "machine type"), (_options.Network, "network") })
            Check(value, what, "Give a Compute Engine name: lowercase letters, digits and hyphens, such as e2-standard-2 or default.", () =>
            {
                if (!GceNames.IsValid(value)) throw new FormatException($"'{value}' is not a Compute Engine name.");
            });
        if (string.IsNullOrWhiteSpace(_options.Image))
            throw new HaException(ErrorIds.InvalidProviderSetting, "The Gce provider's image is not set.", $"Leave it at its default ({GceProviderOptions.DefaultImage}).");

        static void Check(string? value, string what, string action, Action parse)
        {
            try
            {
                parse();
            }
            catch (Exception e) when (e is FormatException or ArgumentException)
            {
                throw new HaException(ErrorIds.InvalidProviderSetting, $"The Gce {what} '{value}' is not usable: {e.Message}", action, value, e);
            }
        }
    }

    /// <summary>The zone of gcloud's settings (<c>CLOUDSDK_COMPUTE_ZONE</c>, <c>gcloud config set compute/zone</c>).</summary>
    public string DefaultZone
    {
        get
        {
            var zone = Settings(null)?.Zone;
            return zone ?? throw new HaException(ErrorIds.UnknownZone,
                "No Compute Engine zone was given.",
                "Give -Zone, or set CLOUDSDK_COMPUTE_ZONE, or run 'gcloud config set compute/zone ZONE'.");
        }
    }

    /// <summary>
    /// The zones of <paramref name="clusterZone"/>'s region (one <c>regions.get</c>), or every zone of the
    /// project for a new cluster.
    /// </summary>
    public async Task<IReadOnlyList<string>> ZonesAsync(string? project, string? clusterZone, CancellationToken cancellationToken)
    {
        var resolvedProject = ResolveProject(project);
        return await GuardAsync($"list the zones of project {resolvedProject}", resolvedProject, async () =>
        {
            var compute = await ComputeAsync(cancellationToken).ConfigureAwait(false);
            if (clusterZone is not null)
            {
                var region = GceSettings.RegionOf(clusterZone)
                             ?? throw new HaException(ErrorIds.UnknownZone, $"'{clusterZone}' is not a Compute Engine zone name.", "Use a zone such as us-central1-b.", clusterZone);
                return await compute.Regions.ZoneNamesAsync(resolvedProject, region, cancellationToken).ConfigureAwait(false);
            }
            var names = new List<string>();
            await foreach (var zone in compute.Zones.List(resolvedProject).ListAllAsync(cancellationToken).ConfigureAwait(false))
                if (zone.Name is { } name) names.Add(name);
            return (IReadOnlyList<string>)names.Order(StringComparer.Ordinal).ToList();
        }).ConfigureAwait(false);
    }

    // ----- cluster address ------------------------------------------------------------------------

    /// <summary>
    /// The static address <c>&lt;c&gt;-master-ip</c> (reused when it exists) and, in parallel, the firewalls:
    /// kube-up's <c>-master-https</c> and <c>-master-etcd</c>, and <c>-master-ssh</c> (the module's tunnel)
    /// and <c>-master-health</c> (Google's health checkers to the readiness responder). When one fails,
    /// what this call created is deleted again before the error is reported.
    /// </summary>
    public async Task<string> ReserveClusterAddressAsync(NewClusterRequest request, IDictionary<string, string> providerData, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var cluster = request.Name;
        var project = ResolveProject(request.Project);
        var zone = request.Zone ?? DefaultZone;
        var region = request.Region ?? GceSettings.RegionOf(zone)
                     ?? throw new HaException(ErrorIds.UnknownZone, $"'{zone}' is not a Compute Engine zone name.", "Use a zone such as us-central1-b.", zone);
        var subnet = _options.SubnetRange ?? GceSubnet.AutoModeRange(region)
                     ?? throw new HaException(ErrorIds.AddressUnavailable,
                         $"HaMaster does not know the subnet range of region {region} in network {_options.Network}.",
                         "Set the Gce provider's SubnetRange to the range of the network's subnet in that region.", region);
        GceSubnet.Parse(subnet);
        var location = new GceLocation(project, region);
        providerData[ProjectKey] = project;
        providerData[RegionKey] = region;
        providerData[NetworkKey] = _options.Network;
        providerData[SubnetRangeKey] = subnet;
        providerData[AccessKey] = _options.Access.ToString();
        providerData[MachineTypeKey] = _options.MachineType;
        providerData[KubernetesVersionKey] = _options.KubernetesVersion;

        var compute = await ComputeAsync(cancellationToken).ConfigureAwait(false);
        var created = new List<Func<Task>>();
        try
        {
            return await GuardAsync($"reserve the address and firewalls of cluster {cluster}", cluster, async () =>
            {
                var address = EnsureAddressAsync(compute, location, cluster, created, cancellationToken);
                await Task.WhenAll(
                    address,
                    Task.WhenAll(Firewalls(location, cluster).Select(f => EnsureFirewallAsync(compute, project, f, created, cancellationToken)))).ConfigureAwait(false);
                return await address.ConfigureAwait(false);
            }).ConfigureAwait(false);
        }
        catch
        {
            List<Func<Task>> undo;
            lock (created) undo = created.ToList();
            try
            {
                await Task.WhenAll(undo.Select(u => u())).ConfigureAwait(false);
            }
            catch (Exception)
            {
                // Best effort: Remove-HaCluster finds what is left by name.
            }
            throw;
        }
    }

    private static async Task<string> EnsureAddressAsync(ComputeService compute, GceLocation location, string cluster, List<Func<Task>> created, CancellationToken cancellationToken)
    {
        var name = GceNames.Address(cluster);
        var existing = await compute.Addresses.Get(location.Project, location.Region, name).GetOrNullAsync(cancellationToken).ConfigureAwait(false);
        if (existing is null)
        {
            if (await compute.InsertAsync(compute.Addresses.Insert(location.Project, location.Region, new Address { Name = name, Description = $"HaMaster cluster {cluster}: the API address" }), cancellationToken).ConfigureAwait(false))
                lock (created) created.Add(() => compute.DeleteIfPresentAsync(compute.Addresses.Delete(location.Project, location.Region, name), CancellationToken.None));
            existing = await compute.Addresses.Get(location.Project, location.Region, name).ExecuteAsync(cancellationToken).ConfigureAwait(false);
        }
        return existing.IPAddress ?? throw new InvalidOperationException($"Address {name} has no IP.");
    }

    private static async Task EnsureFirewallAsync(ComputeService compute, string project, Firewall firewall, List<Func<Task>> created, CancellationToken cancellationToken)
    {
        if (await compute.Firewalls.Get(project, firewall.Name!).GetOrNullAsync(cancellationToken).ConfigureAwait(false) is not null) return;
        if (await compute.InsertAsync(compute.Firewalls.Insert(project, firewall), cancellationToken).ConfigureAwait(false))
            lock (created) created.Add(() => compute.DeleteIfPresentAsync(compute.Firewalls.Delete(project, firewall.Name!), CancellationToken.None));
    }

    /// <summary>The firewalls of a cluster, all aimed at its master tag.</summary>
    public IReadOnlyList<Firewall> Firewalls(GceLocation location, string cluster)
    {
        var tag = GceNames.Master(cluster);
        var network = ComputeLinks.Network(location.Project, _options.Network);
        Firewall Rule(string name, string ports, List<string>? sourceRanges, List<string>? sourceTags, string description) => new()
        {
            Name = name,
            Description = description,
            Network = network,
            Direction = "INGRESS",
            SourceRanges = sourceRanges,
            SourceTags = sourceTags,
            TargetTags = [tag],
            Allowed = [new FirewallRule { IPProtocol = "tcp", Ports = [ports] }],
        };
        return
        [
            Rule(GceNames.HttpsFirewall(cluster), KubeApiServerCommandLine.SecurePort.ToString(), ["0.0.0.0/0"], null, $"HaMaster cluster {cluster}: the Kubernetes API"),
            Rule(GceNames.EtcdFirewall(cluster), $"{Ports.EtcdClient}-{Ports.EtcdPeer}", null, [tag], $"HaMaster cluster {cluster}: etcd between masters"),
            Rule(GceNames.SshFirewall(cluster), "22", ["0.0.0.0/0"], null, $"HaMaster cluster {cluster}: the module's SSH tunnel to etcd"),
            Rule(GceNames.HealthFirewall(cluster), ReadinessResponder.Port.ToString(), HealthCheckRanges.ToList(), null, $"HaMaster cluster {cluster}: load balancer health checks"),
        ];
    }

    /// <summary>
    /// Deletes the forwarding rule first (it uses the pool and the address), then in parallel the pool
    /// and its health check, the address (taken off any instance still holding it) and the firewalls.
    /// What is gone already counts as done.
    /// </summary>
    public async Task ReleaseClusterAddressAsync(ClusterState cluster, CancellationToken cancellationToken)
    {
        var location = Location(cluster);
        var compute = await ComputeAsync(cancellationToken).ConfigureAwait(false);
        var (project, region, name) = (location.Project, location.Region, cluster.Name);
        await GuardAsync($"release the address and load balancer of cluster {name}", name, async () =>
        {
            await compute.DeleteIfPresentAsync(compute.ForwardingRules.Delete(project, region, GceNames.ForwardingRule(name)), cancellationToken).ConfigureAwait(false);
            await Task.WhenAll(
                DeletePoolAndHealthCheckAsync(),
                DeleteAddressAsync(),
                Task.WhenAll(Firewalls(location, name).Select(f => compute.DeleteIfPresentAsync(compute.Firewalls.Delete(project, f.Name!), cancellationToken)))).ConfigureAwait(false);
            return true;
        }).ConfigureAwait(false);

        async Task DeletePoolAndHealthCheckAsync()
        {
            await compute.DeleteIfPresentAsync(compute.TargetPools.Delete(project, region, GceNames.TargetPool(name)), cancellationToken).ConfigureAwait(false);
            await compute.DeleteIfPresentAsync(compute.HttpHealthChecks.Delete(project, GceNames.HealthCheck(name)), cancellationToken).ConfigureAwait(false);
        }

        async Task DeleteAddressAsync()
        {
            var address = await compute.Addresses.Get(project, region, GceNames.Address(name)).GetOrNullAsync(cancellationToken).ConfigureAwait(false);
            if (address is null) return;
            foreach (var user in address.Users ?? [])
            {
                if (ComputeLinks.Tail(user)?.Contains("/instances/", StringComparison.Ordinal) != true) continue;
                var (zone, instanceName) = (ComputeLinks.ZoneOf(user), ComputeLinks.NameOf(user));
                if (zone is null || instanceName is null) continue;
                var instance = await compute.Instances.Get(project, zone, instanceName).GetOrNullAsync(cancellationToken).ConfigureAwait(false);
                var config = instance?.NetworkInterfaces?.SelectMany(n => (n.AccessConfigs ?? []).Select(a => (Nic: n, Config: a)))
                    .FirstOrDefault(p => p.Config.NatIP == address.IPAddress);
                if (config?.Config is { } accessConfig)
                    await compute.DeleteIfPresentAsync(compute.Instances.DeleteAccessConfig(project, zone, instanceName,
                        accessConfig.Name ?? GceFrontend.AccessConfigName, config.Value.Nic.Name ?? InstancesResource.FirstNetworkInterface), cancellationToken).ConfigureAwait(false);
            }
            await compute.DeleteIfPresentAsync(compute.Addresses.Delete(project, region, GceNames.Address(name)), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The highest free address of the subnet range recorded at cluster creation, skipping the
    /// cluster's replicas (see <see cref="GceSubnet"/> for why the module chooses).
    /// </summary>
    public string AllocateReplicaAddress(ClusterState cluster)
    {
        var range = SubnetRange(cluster);
        return GceSubnet.Allocate(range, cluster.Replicas.Select(r => r.InternalAddress))
               ?? throw new HaException(ErrorIds.AddressUnavailable,
                   $"Cluster '{cluster.Name}' has no free internal address left in {range}.", "Remove replicas you do not need.", cluster.Name);
    }

    // ----- replicas -------------------------------------------------------------------------------

    /// <summary>
    /// Creates the replica's VM when it does not exist (the only replica of the cluster gets the static
    /// address on its access config, others an ephemeral one), starts it when it is stopped, updates its
    /// metadata when it differs (read at the next boot), and returns once it is RUNNING.
    /// </summary>
    public async Task StartReplicaAsync(ClusterState cluster, ReplicaRecord replica, EtcdBootstrap bootstrap, ReplicaCertificateFiles certificates, CancellationToken cancellationToken)
    {
        var location = Location(cluster);
        var compute = await ComputeAsync(cancellationToken).ConfigureAwait(false);
        var spec = ReplicaBootstrapSpec.For(cluster, replica, bootstrap, cluster.ProviderData.GetValueOrDefault(KubernetesVersionKey));
        spec.Validate();
        var metadata = new Dictionary<string, string>(ReplicaMetadata.Items(spec, certificates, ServiceAccountKey(cluster.Name)), StringComparer.Ordinal)
        {
            [SshKeysMetadataKey] = SshKey(cluster.Name).GceSshKeysEntry(_options.SshUser),
            [PublishedHostKeys.EnableMetadataKey] = "TRUE",
        };
        await GuardAsync($"start the VM of replica {replica.Name}", replica.Name, async () =>
        {
            var instance = await compute.Instances.Get(location.Project, replica.Zone, replica.Name).GetOrNullAsync(cancellationToken).ConfigureAwait(false);
            if (instance is null)
            {
                await compute.InsertAsync(compute.Instances.Insert(location.Project, replica.Zone, NewInstance(cluster, replica, metadata, location)), cancellationToken).ConfigureAwait(false);
            }
            else
            {
                if (!SameMetadata(instance.Metadata, metadata))
                    await compute.RunAsync(compute.Instances.SetMetadata(location.Project, replica.Zone, replica.Name, new Metadata
                    {
                        Fingerprint = instance.Metadata?.Fingerprint,
                        Items = metadata.Select(i => new MetadataItem { Key = i.Key, Value = i.Value }).ToList(),
                    }), cancellationToken).ConfigureAwait(false);
                if (instance.Status is "STOPPING")
                    instance = await WaitStatusAsync(compute, location, replica, [Instance.StatusTerminated], cancellationToken).ConfigureAwait(false);
                if (instance.Status is Instance.StatusTerminated)
                    await compute.RunAsync(compute.Instances.Start(location.Project, replica.Zone, replica.Name), cancellationToken).ConfigureAwait(false);
                else if (instance.Status is "SUSPENDING" or "SUSPENDED")
                    throw new HaException(ErrorIds.ProcessStartFailed, $"The VM of replica {replica.Name} is suspended; HaMaster does not resume VMs.",
                        $"Resume it (gcloud compute instances resume {replica.Name} --zone {replica.Zone}), then run the command again.", replica.Name);
            }
            var running = await WaitStatusAsync(compute, location, replica, [Instance.StatusRunning], cancellationToken).ConfigureAwait(false);
            replica.ExternalAddress = NatIP(running);
            return true;
        }).ConfigureAwait(false);
    }

    private Instance NewInstance(ClusterState cluster, ReplicaRecord replica, IReadOnlyDictionary<string, string> metadata, GceLocation location)
    {
        var holdsClusterAddress = cluster.Replicas.Count == 1 && cluster.Replicas[0].Name == replica.Name;
        return new Instance
        {
            Name = replica.Name,
            Description = $"HaMaster cluster {cluster.Name}: control-plane replica",
            MachineType = $"zones/{replica.Zone}/machineTypes/{cluster.ProviderData.GetValueOrDefault(MachineTypeKey) ?? _options.MachineType}",
            Labels = new Dictionary<string, string> { [ClusterLabel] = cluster.Name, [RoleLabel] = MasterRole },
            Tags = new Tags { Items = [GceNames.Master(cluster.Name)] },
            Disks =
            [
                new AttachedDisk
                {
                    Boot = true,
                    AutoDelete = true,
                    Type = "PERSISTENT",
                    InitializeParams = new AttachedDiskInitializeParams { SourceImage = _options.Image },
                },
            ],
            NetworkInterfaces =
            [
                new NetworkInterface
                {
                    Network = ComputeLinks.Network(location.Project, cluster.ProviderData.GetValueOrDefault(NetworkKey) ?? _options.Network),
                    NetworkIP = replica.InternalAddress,
                    AccessConfigs =
                    [
                        new AccessConfig
                        {
                            Name = GceFrontend.AccessConfigName,
                            Type = AccessConfig.OneToOneNat,
                            NatIP = holdsClusterAddress ? cluster.Address : null,
                        },
                    ],
                },
            ],
            Metadata = new Metadata { Items = metadata.Select(i => new MetadataItem { Key = i.Key, Value = i.Value }).ToList() },
        };
    }

    private static bool SameMetadata(Metadata? current, IReadOnlyDictionary<string, string> wanted)
    {
        var items = current?.Items ?? [];
        return items.Count == wanted.Count && items.All(i => i.Key is not null && wanted.TryGetValue(i.Key, out var v) && v == i.Value);
    }

    /// <summary>
    /// Stops the VM (<c>instances.stop</c>) and waits for TERMINATED. Compute Engine has no hard kill:
    /// a stop is always an ACPI shutdown that the guest may use for a short while, so
    /// <paramref name="graceful"/> makes no difference here.
    /// </summary>
    public async Task StopReplicaAsync(ClusterState cluster, ReplicaRecord replica, bool graceful, CancellationToken cancellationToken)
    {
        var location = Location(cluster);
        var compute = await ComputeAsync(cancellationToken).ConfigureAwait(false);
        await GuardAsync($"stop the VM of replica {replica.Name}", replica.Name, async () =>
        {
            var instance = await compute.Instances.Get(location.Project, replica.Zone, replica.Name).GetOrNullAsync(cancellationToken).ConfigureAwait(false);
            if (instance is null || instance.Status is Instance.StatusTerminated) return true;
            if (instance.Status is not "STOPPING")
                await compute.RunAsync(compute.Instances.Stop(location.Project, replica.Zone, replica.Name), cancellationToken).ConfigureAwait(false);
            await WaitStatusAsync(compute, location, replica, [Instance.StatusTerminated], cancellationToken, missingIsDone: true).ConfigureAwait(false);
            return true;
        }).ConfigureAwait(false);
    }

    /// <summary>Deletes the VM; its boot disk (auto-delete), where etcd keeps its data, goes with it. Gone already: done.</summary>
    public async Task DeleteReplicaAsync(ClusterState cluster, ReplicaRecord replica, CancellationToken cancellationToken)
    {
        var location = Location(cluster);
        var compute = await ComputeAsync(cancellationToken).ConfigureAwait(false);
        await GuardAsync($"delete the VM of replica {replica.Name}", replica.Name, async () =>
        {
            try
            {
                await compute.RunAsync(compute.Instances.Delete(location.Project, replica.Zone, replica.Name), cancellationToken).ConfigureAwait(false);
            }
            catch (ComputeApiException e) when (e.IsNotFound)
            {
                return true;
            }
            catch (ComputeApiException e) when (e.HasReason("resourceNotReady"))
            {
                // A delete is already under way: wait for it to finish.
            }
            await WaitStatusAsync(compute, location, replica, [], cancellationToken, missingIsDone: true).ConfigureAwait(false);
            return true;
        }).ConfigureAwait(false);
    }

    /// <summary>
    /// The VM's status: RUNNING → Running; TERMINATED, STOPPING, SUSPENDED → Stopped; PROVISIONING, STAGING,
    /// REPAIRING → Partial; gone → Missing. With <see cref="GceAccess.External"/>, the API is reached at the
    /// VM's external address.
    /// </summary>
    public async Task<ReplicaRuntime> InspectAsync(ClusterState cluster, ReplicaRecord replica, CancellationToken cancellationToken)
    {
        var location = Location(cluster);
        var compute = await ComputeAsync(cancellationToken).ConfigureAwait(false);
        var instance = await GuardAsync($"read the VM of replica {replica.Name}", replica.Name,
            () => compute.Instances.Get(location.Project, replica.Zone, replica.Name).GetOrNullAsync(cancellationToken)).ConfigureAwait(false);
        var runtime = Runtime(replica, instance);
        return Access(cluster) == GceAccess.External && instance is not null && NatIP(instance) is { } external
            ? runtime with { ApiAddress = external }
            : runtime;
    }

    /// <summary>What an instance's status means for a replica.</summary>
    public static ReplicaRuntime Runtime(ReplicaRecord replica, Instance? instance)
    {
        if (instance is null)
            return new ReplicaRuntime(ReplicaStatus.Missing, [$"VM {replica.Name} does not exist in zone {replica.Zone}"]);
        return instance.Status switch
        {
            Instance.StatusRunning => new ReplicaRuntime(ReplicaStatus.Running, []),
            Instance.StatusTerminated => new ReplicaRuntime(ReplicaStatus.Stopped, [$"VM {replica.Name} is stopped (TERMINATED)"]),
            "STOPPING" => new ReplicaRuntime(ReplicaStatus.Stopped, [$"VM {replica.Name} is stopping"]),
            "SUSPENDING" or "SUSPENDED" => new ReplicaRuntime(ReplicaStatus.Stopped, [$"VM {replica.Name} is suspended ({instance.Status})"]),
            "PROVISIONING" or "STAGING" => NotRunning($"VM {replica.Name} is starting ({instance.Status})"),
            "REPAIRING" => NotRunning($"VM {replica.Name} is being repaired by Compute Engine"),
            var other => NotRunning($"VM {replica.Name} is in state {other ?? "(none)"}"),
        };
    }

    /// <summary>A VM on its way up or down: neither etcd nor the API server can answer yet.</summary>
    private static ReplicaRuntime NotRunning(string problem) => new(ReplicaStatus.Partial, [problem]) { EtcdDown = true, ApiDown = true };

    // ----- frontend -------------------------------------------------------------------------------

    /// <summary>Two active replicas or more: the forwarding rule in front of them; one: the address on it; none: nothing.</summary>
    public async Task ReconcileFrontendAsync(ClusterState cluster, string clusterCaFile, CancellationToken cancellationToken)
    {
        var active = cluster.ActiveReplicas.Select(r => new MasterInstance(r.Name, r.Zone)).ToList();
        if (active.Count == 0) return;
        var compute = await ComputeAsync(cancellationToken).ConfigureAwait(false);
        var frontend = new GceFrontend(compute, Location(cluster), cluster.Name);
        if (active.Count >= 2)
            await GuardAsync($"put the cluster address {cluster.Address} on a load balancer in front of {string.Join(", ", active.Select(a => a.Name))}", cluster.Name, async () =>
            {
                await frontend.ServeThroughLoadBalancerAsync(active, cancellationToken).ConfigureAwait(false);
                return true;
            }).ConfigureAwait(false);
        else
            await GuardAsync($"move the cluster address {cluster.Address} to replica {active[0].Name}", cluster.Name, async () =>
            {
                await frontend.ServeFromMasterAsync(active[0], cancellationToken).ConfigureAwait(false);
                return true;
            }).ConfigureAwait(false);
    }

    /// <summary>Takes the replica's VM out of the target pool, when there is one and it is in it.</summary>
    public async Task DrainAsync(ClusterState cluster, ReplicaRecord replica, CancellationToken cancellationToken)
    {
        var location = Location(cluster);
        var compute = await ComputeAsync(cancellationToken).ConfigureAwait(false);
        await GuardAsync($"take replica {replica.Name} out of the load balancer", replica.Name, async () =>
        {
            var pool = await compute.TargetPools.Get(location.Project, location.Region, GceNames.TargetPool(cluster.Name)).GetOrNullAsync(cancellationToken).ConfigureAwait(false);
            var link = ComputeLinks.Instance(location.Project, replica.Zone, replica.Name);
            var member = pool?.Instances?.FirstOrDefault(i => ComputeLinks.SameResource(i, link));
            if (member is null) return true;
            await compute.RunAsync(compute.TargetPools.RemoveInstance(location.Project, location.Region, GceNames.TargetPool(cluster.Name), member), cancellationToken).ConfigureAwait(false);
            return true;
        }).ConfigureAwait(false);
    }

    /// <summary>
    /// The forwarding rule and target pool, with one backend per active replica: Up when
    /// <c>targetPools.getHealth</c> says HEALTHY, Down otherwise (not in the pool, not running, unhealthy).
    /// Null with fewer than two active replicas.
    /// </summary>
    public async Task<LoadBalancerView?> InspectLoadBalancerAsync(ClusterState cluster, CancellationToken cancellationToken)
    {
        var active = cluster.ActiveReplicas.ToList();
        if (active.Count < 2) return null;
        var location = Location(cluster);
        var compute = await ComputeAsync(cancellationToken).ConfigureAwait(false);
        var poolName = GceNames.TargetPool(cluster.Name);
        return await GuardAsync($"read the load balancer of cluster {cluster.Name}", cluster.Name, async () =>
        {
            var ruleTask = compute.ForwardingRules.Get(location.Project, location.Region, GceNames.ForwardingRule(cluster.Name)).GetOrNullAsync(cancellationToken);
            var pool = await compute.TargetPools.Get(location.Project, location.Region, poolName).GetOrNullAsync(cancellationToken).ConfigureAwait(false);
            var rule = await ruleTask.ConfigureAwait(false);
            var backends = await Task.WhenAll(active.Select(async replica =>
            {
                var link = ComputeLinks.Instance(location.Project, replica.Zone, replica.Name);
                var member = pool?.Instances?.FirstOrDefault(i => ComputeLinks.SameResource(i, link));
                var healthy = member is not null && await HealthyAsync(member).ConfigureAwait(false);
                return new LoadBalancerBackend { Replica = replica.Name, Address = replica.InternalAddress, State = healthy ? "Up" : "Down" };
            })).ConfigureAwait(false);
            return new LoadBalancerView
            {
                Cluster = cluster.Name,
                Name = GceNames.ForwardingRule(cluster.Name),
                Address = cluster.Address,
                Status = (rule, pool) switch
                {
                    (not null, not null) => "Running",
                    (null, null) => "Missing",
                    (null, _) => "NoForwardingRule",
                    _ => "NoTargetPool",
                },
                Backends = backends,
            };
        }).ConfigureAwait(false);

        async Task<bool> HealthyAsync(string member)
        {
            try
            {
                var health = await compute.TargetPools.GetHealth(location.Project, location.Region, poolName, member).ExecuteAsync(cancellationToken).ConfigureAwait(false);
                return health.HealthStatus?.Any(h => h.HealthState == HealthStatus.Healthy) == true;
            }
            catch (ComputeApiException e) when ((int)e.StatusCode is 400 or 404)
            {
                // Not running (resourceNotReady), no longer a member or gone: it gets no traffic.
                return false;
            }
        }
    }

    // ----- etcd -----------------------------------------------------------------------------------

    /// <summary>
    /// A gateway to the replicas' etcd members. <see cref="GceAccess.Internal"/> (recorded in the
    /// cluster's provider data, else the options): the client URL as is. <see cref="GceAccess.External"/>:
    /// one SSH tunnel per replica to its external address (read from the VM), forwarding to its etcd
    /// client port, with the cluster's module key. The server must present a host key the VM published
    /// in its guest attributes; while it has published none, the key seen first is pinned in the
    /// replica's provider data and required after.
    /// </summary>
    public IEtcdGateway OpenEtcd(ClusterState cluster, EtcdCredentials credentials)
    {
        if (Access(cluster) == GceAccess.Internal) return new EtcdGateway(credentials);
        var location = Location(cluster);
        return new GceTunneledEtcdGateway(credentials, async (endpoint, cancellationToken) =>
        {
            var replica = cluster.Replicas.FirstOrDefault(r => string.Equals(r.ClientUrl, endpoint, StringComparison.OrdinalIgnoreCase))
                          ?? throw new HaException(ErrorIds.ReplicaNotFound, $"No replica of cluster '{cluster.Name}' has the etcd endpoint {endpoint}.",
                              "Run Get-MasterReplica to see the cluster's replicas.", endpoint);
            var compute = await ComputeAsync(cancellationToken).ConfigureAwait(false);
            var (instance, published) = await GuardAsync($"read the VM and host keys of replica {replica.Name}", replica.Name, async () =>
            {
                var instance = compute.Instances.Get(location.Project, replica.Zone, replica.Name).ExecuteAsync(cancellationToken);
                var published = PublishedHostKeys.FingerprintsAsync(compute, location.Project, replica.Zone, replica.Name, cancellationToken);
                return (await instance.ConfigureAwait(false), await published.ConfigureAwait(false));
            }).ConfigureAwait(false);
            var host = NatIP(instance) ?? throw new HaException(ErrorIds.EtcdRequestFailed,
                $"Replica {replica.Name} has no external address to open an SSH tunnel to (its VM is {instance.Status}).",
                "Start the replica, or create the cluster with -Access Internal when this machine is inside the VPC.", replica.Name);
            var pinned = replica.ProviderData.GetValueOrDefault(SshHostKeyKey);
            var tunnel = await SshTunnel.OpenAsync(new SshTunnelOptions
            {
                Host = host,
                User = _options.SshUser,
                Key = SshKey(cluster.Name),
                RemoteHost = replica.InternalAddress,
                TrustedHostKeyFingerprints = published.Count > 0 ? published : pinned is null ? [] : [pinned],
            }, cancellationToken).ConfigureAwait(false);
            replica.ProviderData[SshHostKeyKey] = tunnel.HostKeyFingerprint;
            return tunnel;
        });
    }

    public GceAccess Access(ClusterState cluster) =>
        cluster.ProviderData.TryGetValue(AccessKey, out var recorded) && Enum.TryParse<GceAccess>(recorded, ignoreCase: true, out var access)
            ? access
            : _options.Access;

    // ----- per-cluster files ----------------------------------------------------------------------

    /// <summary><c>&lt;state&gt;/clusters/&lt;c&gt;/gce</c>: the module's SSH key and the service-account key, owner-only.</summary>
    public string GceDirectory(string cluster) => Path.Combine(_directory.ClusterDirectory(cluster), "gce");

    /// <summary>The cluster's SSH key pair, made on first use.</summary>
    public SshKeyPair SshKey(string cluster)
    {
        var path = Path.Combine(EnsureGceDirectory(cluster), SshKeyFile);
        var comment = $"hamaster-{cluster}";
        if (File.Exists(path)) return SshKeyPair.Load(path, comment);
        var key = SshKeyPair.Generate(comment);
        key.WritePrivateKey(path);
        return key;
    }

    /// <summary>The cluster's service-account signing key (PEM), made on first use; every replica gets the same.</summary>
    public string ServiceAccountKey(string cluster)
    {
        var path = Path.Combine(EnsureGceDirectory(cluster), ServiceAccountKeyFile);
        if (File.Exists(path)) return File.ReadAllText(path);
        var pem = ReplicaMetadata.NewServiceAccountKeyPem();
        PemFile.WritePrivateKey(path, pem);
        return pem;
    }

    private string EnsureGceDirectory(string cluster)
    {
        var folder = GceDirectory(cluster);
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(folder);
        else Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return folder;
    }

    // ----- helpers --------------------------------------------------------------------------------

    /// <summary>The project and region recorded at creation (else the state's, else gcloud's settings).</summary>
    public GceLocation Location(ClusterState cluster)
    {
        var project = cluster.ProviderData.GetValueOrDefault(ProjectKey) ?? cluster.Project ?? ResolveProject(null);
        var region = cluster.ProviderData.GetValueOrDefault(RegionKey) ?? cluster.Region ?? GceSettings.RegionOf(cluster.Zone)
                     ?? throw new HaException(ErrorIds.StateCorrupt, $"Cluster '{cluster.Name}' records no region and its zone '{cluster.Zone}' names none.",
                         "Restore the cluster's state file from a backup.", cluster.Name);
        return new GceLocation(project, region);
    }

    private string SubnetRange(ClusterState cluster) =>
        cluster.ProviderData.GetValueOrDefault(SubnetRangeKey)
        ?? _options.SubnetRange
        ?? GceSubnet.AutoModeRange(Location(cluster).Region)
        ?? throw new HaException(ErrorIds.StateCorrupt, $"Cluster '{cluster.Name}' records no subnet range.", "Set the Gce provider's SubnetRange.", cluster.Name);

    private string ResolveProject(string? project)
    {
        if (!string.IsNullOrWhiteSpace(project)) return project.Trim();
        if (!string.IsNullOrWhiteSpace(_options.Project)) return _options.Project.Trim();
        try
        {
            return GceSettings.Resolve(null, null, requireZone: false).Project;
        }
        catch (GceConfigurationException e)
        {
            throw new HaException(ErrorIds.ComponentNotInstalled, e.Message, "Give -Project, or set CLOUDSDK_CORE_PROJECT, or run 'gcloud config set project PROJECT_ID'.", null, e);
        }
    }

    private static GceSettings? Settings(string? project)
    {
        try
        {
            return GceSettings.Resolve(project, null, requireZone: false);
        }
        catch (GceConfigurationException)
        {
            return null;
        }
    }

    private Task<ComputeService> ComputeAsync(CancellationToken cancellationToken)
    {
        lock (_computeLock)
        {
            if (_compute is null || _compute.IsFaulted || _compute.IsCanceled)
                _compute = CreateComputeAsync(cancellationToken);
            return _compute;
        }
    }

    private async Task<ComputeService> CreateComputeAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await _computeFactory(cancellationToken).ConfigureAwait(false);
        }
        catch (ComputeCredentialsException e)
        {
            throw new HaException(ErrorIds.ComponentNotInstalled, $"No Google Cloud credentials were found: {e.Message}",
                "Run 'gcloud auth application-default login', or set GOOGLE_APPLICATION_CREDENTIALS to a service account key file.", null, e);
        }
    }

    private static string? NatIP(Instance instance) =>
        instance.NetworkInterfaces?.FirstOrDefault()?.AccessConfigs?.FirstOrDefault()?.NatIP;

    private async Task<Instance> WaitStatusAsync(ComputeService compute, GceLocation location, ReplicaRecord replica, IReadOnlyList<string> statuses,
        CancellationToken cancellationToken, bool missingIsDone = false)
    {
        var deadline = DateTimeOffset.UtcNow + _options.InstanceTimeout;
        while (true)
        {
            var instance = await compute.Instances.Get(location.Project, replica.Zone, replica.Name).GetOrNullAsync(cancellationToken).ConfigureAwait(false);
            if (instance is null)
            {
                if (missingIsDone) return new Instance { Name = replica.Name };
                throw new HaException(ErrorIds.ProcessStartFailed, $"The VM of replica {replica.Name} disappeared from zone {replica.Zone}.",
                    "Run the command again; HaMaster creates it again.", replica.Name);
            }
            if (instance.Status is { } status && statuses.Contains(status)) return instance;
            if (DateTimeOffset.UtcNow >= deadline)
                throw new HaException(ErrorIds.OperationTimedOut,
                    $"The VM of replica {replica.Name} is {instance.Status} after {_options.InstanceTimeout.TotalSeconds:0} s; expected {(statuses.Count == 0 ? "it to be gone" : string.Join(" or ", statuses))}.",
                    "Look at the VM in the Cloud console (serial port output), then run the command again.", replica.Name);
            await Task.Delay(_options.StatusPollInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Runs a Compute call, turning an API or operation error into an <see cref="HaException"/> that says what failed and what to do.</summary>
    private static async Task<T> GuardAsync<T>(string what, object? target, Func<Task<T>> action)
    {
        try
        {
            return await action().ConfigureAwait(false);
        }
        catch (Exception e) when (e is ComputeApiException or OperationFailedException)
        {
            throw new HaException(ErrorIds.ComponentFailed,
                $"Compute Engine could not {what}: {e.Message}",
                "Run the command again: it continues where it stopped. If it fails the same way, fix what the message names (quota, permissions, a resource in the way) first.",
                target, e);
        }
    }

    /// <summary>Disposes the <see cref="ComputeService"/> this provider made itself (never one given to it).</summary>
    public void Dispose() => _created?.Dispose();
}
