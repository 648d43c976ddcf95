using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace HaMaster.Testing.Compute;

public sealed partial class ComputeStandIn
{
    private static readonly Regex MetadataKey = new("^[a-zA-Z0-9_-]{1,128}$", RegexOptions.CultureInvariant);
    private const int MetadataValueLimit = 256 * 1024;
    private const int MetadataTotalLimit = 512 * 1024;

    /// <summary>
    /// Sets an instance's status at once, as if the VM crashed (TERMINATED) or was started outside the
    /// module (RUNNING). TERMINATED releases ephemeral external IPs; RUNNING assigns new ones. The other
    /// statuses of the Compute v1 schema that the module must understand:
    /// <list type="bullet">
    /// <item>STOPPED: stopped, as TERMINATED, but reported so until the instance is started.</item>
    /// <item>PENDING_STOP, DEPROVISIONING: on its way down; reported for <paramref name="lasting"/>, then TERMINATED.</item>
    /// <item>PENDING: waiting for capacity; reported for <paramref name="lasting"/>, then it boots (STAGING, RUNNING).</item>
    /// </list>
    /// While PENDING_STOP, DEPROVISIONING or PENDING is reported, <c>start</c> and <c>stop</c> answer
    /// 400 resourceNotReady, so a client that does not wait for the instance to settle is caught.
    /// </summary>
    public void SetInstanceStatus(string project, string zone, string instance, string status, TimeSpan? lasting = null)
    {
        lock (_gate)
        {
            var now = DateTimeOffset.UtcNow;
            Advance(now);
            var i = Find<InstanceResource>(new ResourceRef(project, Scope.Zone(zone), "instances", instance))
                ?? throw new ArgumentException($"No instance projects/{project}/zones/{zone}/instances/{instance}.");
            var until = now + (lasting ?? TimeSpan.FromSeconds(1));
            switch (status)
            {
                case "TERMINATED":
                    StopNow(i, now);
                    break;
                case "RUNNING":
                    StartNow(i, now);
                    break;
                case "STOPPED":
                    StopNow(i, now);
                    (i.ShownStatus, i.ShownUntil) = (status, null);
                    break;
                case "PENDING_STOP" or "DEPROVISIONING":
                    StopNow(i, now);
                    (i.ShownStatus, i.ShownUntil) = (status, until);
                    break;
                case "PENDING":
                    StopNow(i, now);
                    StartNow(i, until);
                    (i.ShownStatus, i.ShownUntil) = (status, until);
                    break;
                default:
                    throw new ArgumentException("TERMINATED, RUNNING, STOPPED, PENDING_STOP, DEPROVISIONING or PENDING.", nameof(status));
            }
        }
    }

    private string EffectiveStatus(InstanceResource i, DateTimeOffset now)
    {
        if (i.ShownStatus is { } shown && (i.ShownUntil is null || now < i.ShownUntil)) return shown;
        if (i.Status != "RUNNING" || now >= i.RunningAt) return i.Status;
        if (!i.BootIsFirst) return "STAGING";
        var half = i.BootStartedAt + (i.RunningAt - i.BootStartedAt) / 2;
        return now < half ? "PROVISIONING" : "STAGING";
    }

    /// <summary>400 resourceNotReady while the instance is on its way somewhere (a status set for a while by <see cref="SetInstanceStatus"/>).</summary>
    private static void CheckSettled(InstanceResource i, DateTimeOffset now)
    {
        if (i.ShownUntil is { } until && now < until) throw ApiException.NotReady(i.Path);
    }

    private static string MetadataCanonical(List<KeyValuePair<string, string>> items) =>
        string.Join("\n", items.Select(p => $"{p.Key}={p.Value}"));

    private static string NicFingerprint(NetworkInterface nic) =>
        Fingerprint($"{nic.Name}|{nic.NetworkIp}|" + string.Join(",", nic.AccessConfigs.Select(c => $"{c.Name}:{c.NatIp}")));

    private JsonObject RenderInstance(InstanceResource i, DateTimeOffset now)
    {
        var o = CommonFields(i, "compute#instance");
        if (i.CanIpForward is { } cif) o["canIpForward"] = cif;
        o["cpuPlatform"] = "Intel Broadwell";
        o["deletionProtection"] = i.DeletionProtection;
        if (i.Description is not null) o["description"] = i.Description;
        o.Put("disks", new JsonArray(i.Disks.Select(d => d.DeepClone()).ToArray()));
        o["fingerprint"] = Fingerprint($"{i.Id}|{i.Status}|" + string.Join(";", i.Nics.Select(NicFingerprint)));
        o["labelFingerprint"] = LabelsFingerprint(i.Labels);
        o.Put("labels", Json.Map(i.Labels));
        if (i.LastStart is { } started) o["lastStartTimestamp"] = Timestamp(started);
        if (i.LastStop is { } stopped) o["lastStopTimestamp"] = Timestamp(stopped);
        o["machineType"] = NestedLink($"projects/{i.Project}/zones/{i.Zone}/machineTypes/{i.MachineType}");

        var metadata = new JsonObject
        {
            ["fingerprint"] = Fingerprint(MetadataCanonical(i.Metadata)),
            ["kind"] = "compute#metadata",
        };
        metadata.Put("items", new JsonArray(i.Metadata.Select(p => (JsonNode)new JsonObject { ["key"] = p.Key, ["value"] = p.Value }).ToArray()));
        o["metadata"] = metadata;

        var nics = new JsonArray();
        foreach (var nic in i.Nics)
        {
            var n = new JsonObject
            {
                ["fingerprint"] = NicFingerprint(nic),
                ["kind"] = "compute#networkInterface",
                ["name"] = nic.Name,
                ["network"] = NestedLink(nic.Network),
                ["networkIP"] = nic.NetworkIp,
                ["stackType"] = "IPV4_ONLY",
                ["subnetwork"] = NestedLink(nic.Subnetwork),
            };
            n.Put("accessConfigs", new JsonArray(nic.AccessConfigs.Select(c =>
            {
                var ac = new JsonObject
                {
                    ["kind"] = "compute#accessConfig",
                    ["name"] = c.Name,
                    ["networkTier"] = c.NetworkTier,
                    ["type"] = c.Type,
                };
                if (c.NatIp is not null) ac["natIP"] = c.NatIp;
                return (JsonNode)ac;
            }).ToArray()));
            nics.Add(n);
        }
        o.Put("networkInterfaces", nics);
        o["scheduling"] = i.Scheduling.DeepClone();
        if (i.ServiceAccounts is not null) o.Put("serviceAccounts", i.ServiceAccounts.DeepClone());
        o["shieldedInstanceConfig"] = new JsonObject
        {
            ["enableIntegrityMonitoring"] = true,
            ["enableSecureBoot"] = false,
            ["enableVtpm"] = true,
        };
        o["shieldedInstanceIntegrityPolicy"] = new JsonObject { ["updateAutoLearnPolicy"] = true };
        o["startRestricted"] = false;
        o["status"] = EffectiveStatus(i, now);
        var tags = new JsonObject { ["fingerprint"] = Fingerprint(string.Join("\n", i.Tags)) };
        tags.Put("items", Json.Strings(i.Tags));
        o["tags"] = tags;
        o["zone"] = SelfLink($"projects/{i.Project}/zones/{i.Zone}");
        return o;
    }

    // ---- instances.insert --------------------------------------------------------------------------

    private sealed record NicSpec(string Name, string Network, string Subnetwork, string? NetworkIp, AccessConfigSpec? AccessConfig);

    private sealed record AccessConfigSpec(string Name, string Type, string NetworkTier, string? NatIp, string Field);

    private JsonNode InsertInstance(Req r)
    {
        var body = r.Body ?? throw ApiException.Required("resource");
        var reference = ReserveName(r, "instances", Json.Str(body, "name", "resource.name"));
        var name = reference.Name;
        var zone = r.Scope.Name;
        var region = RegionOf(zone)!;

        var machineTypeText = Json.Str(body, "machineType", "resource.machineType") ?? throw ApiException.Required("resource.machineType");
        if (!Links.TryParse(machineTypeText, r.Project, out var machineType) || machineType.Collection != "machineTypes")
            throw ApiException.InvalidValue("resource.machineType", machineTypeText, "Invalid URL: a machine type must be given as zones/{zone}/machineTypes/{type}.");
        if (machineType.Scope != Scope.Zone(zone))
            throw ApiException.InvalidValue("resource.machineType", machineTypeText, $"Machine type is in a different zone than the instance ({zone}).");

        var description = Json.Str(body, "description", "resource.description");
        var canIpForward = Json.Bool(body, "canIpForward", "resource.canIpForward");
        var deletionProtection = Json.Bool(body, "deletionProtection", "resource.deletionProtection") ?? false;
        var labels = ReadLabels(body, "resource.labels");
        var metadata = ReadMetadataItems(Json.Obj(body, "metadata", "resource.metadata"), "resource.metadata");
        var tags = Json.StrList(Json.Obj(body, "tags", "resource.tags"), "items", "resource.tags.items");
        foreach (var tag in tags)
        {
            if (!Links.IsValidName(tag)) throw ApiException.InvalidValue("resource.tags.items", tag, $"Must be a match of regex '(?:{Links.NamePattern})'");
        }
        var disks = ReadDisks(body, r.Project, zone, name);
        var nics = ReadNics(body, r.Project, region);
        var scheduling = ReadScheduling(Json.Obj(body, "scheduling", "resource.scheduling"));
        var serviceAccounts = Json.Arr(body, "serviceAccounts", "resource.serviceAccounts")?.DeepClone().AsArray();

        var id = NewId();
        var created = r.Now;
        return InsertOperation(r, reference, id,
            check: () => CheckNicSpecs(nics, r.Project, region),
            make: () =>
            {
                var now = _applyTime;
                var instance = new InstanceResource
                {
                    Project = r.Project,
                    Scope = r.Scope,
                    Name = name,
                    Id = id,
                    Created = created,
                    Region = region,
                    MachineType = machineType.Name,
                    Description = description,
                    CanIpForward = canIpForward,
                    DeletionProtection = deletionProtection,
                    Labels = labels,
                    Metadata = metadata,
                    Tags = tags,
                    Disks = disks,
                    Scheduling = scheduling,
                    ServiceAccounts = serviceAccounts,
                    Status = "RUNNING",
                    BootStartedAt = now,
                    RunningAt = now + InstanceBootTime,
                    BootIsFirst = true,
                    LastStart = now,
                };
                foreach (var spec in nics)
                {
                    var nic = new NetworkInterface
                    {
                        Name = spec.Name,
                        Network = spec.Network,
                        Subnetwork = spec.Subnetwork,
                        NetworkIp = spec.NetworkIp ?? AllocateInternal(region),
                    };
                    if (spec.AccessConfig is { } ac)
                    {
                        nic.AccessConfigs.Add(new AccessConfig
                        {
                            Name = ac.Name,
                            Type = ac.Type,
                            NetworkTier = ac.NetworkTier,
                            NatIp = ac.NatIp ?? AllocateExternal(isStatic: false),
                        });
                    }
                    instance.Nics.Add(nic);
                }
                return instance;
            });
    }

    private static List<KeyValuePair<string, string>> ReadMetadataItems(JsonObject? metadata, string field)
    {
        var items = new List<KeyValuePair<string, string>>();
        var array = Json.Arr(metadata, "items", $"{field}.items");
        if (array is null) return items;
        var total = 0;
        for (var k = 0; k < array.Count; k++)
        {
            var item = array[k] as JsonObject ?? throw ApiException.InvalidValue($"{field}.items[{k}]", "", "Expected an object.");
            var key = Json.Str(item, "key", $"{field}.items[{k}].key") ?? throw ApiException.Required($"{field}.items[{k}].key");
            var value = Json.Str(item, "value", $"{field}.items[{k}].value") ?? "";
            if (!MetadataKey.IsMatch(key))
                throw ApiException.InvalidValue($"{field}.items[{k}].key", key, "Must be a match of regex '[a-zA-Z0-9-_]{1,128}'");
            if (items.Any(p => p.Key == key))
                throw ApiException.InvalidValue($"{field}.items[{k}].key", key, "Duplicate keys are not allowed.");
            var size = Encoding.UTF8.GetByteCount(value);
            if (size > MetadataValueLimit)
                throw ApiException.InvalidValue($"{field}.items[{k}].value", "", $"Metadata value for key '{key}' is {size} bytes; the limit is {MetadataValueLimit} bytes.");
            total += size + Encoding.UTF8.GetByteCount(key);
            items.Add(new(key, value));
        }
        if (total > MetadataTotalLimit)
            throw ApiException.InvalidValue(field, "", $"Metadata has {total} bytes; the limit is {MetadataTotalLimit} bytes.");
        return items;
    }

    private List<JsonObject> ReadDisks(JsonObject body, string project, string zone, string instance)
    {
        var array = Json.Arr(body, "disks", "resource.disks");
        if (array is null || array.Count == 0) throw ApiException.InvalidValue("resource.disks", "", "At least one disk must be attached, and the first one must be a boot disk.");
        var disks = new List<JsonObject>();
        for (var k = 0; k < array.Count; k++)
        {
            var field = $"resource.disks[{k}]";
            var d = array[k] as JsonObject ?? throw ApiException.InvalidValue(field, "", "Expected an object.");
            var boot = Json.Bool(d, "boot", $"{field}.boot") ?? false;
            if (boot != (k == 0)) throw ApiException.InvalidValue($"{field}.boot", boot ? "true" : "false", "The boot disk must be the first disk, and there can be only one.");
            var init = Json.Obj(d, "initializeParams", $"{field}.initializeParams");
            var sourceText = Json.Str(d, "source", $"{field}.source");
            string source;
            if (sourceText is not null)
            {
                var sourceRef = ParseRef(project, sourceText, "disks", $"{field}.source");
                source = sourceRef.Path;
            }
            else if (init is not null)
            {
                var diskName = Json.Str(init, "diskName", $"{field}.initializeParams.diskName") ?? (k == 0 ? instance : $"{instance}-{k}");
                source = $"projects/{project}/zones/{zone}/disks/{diskName}";
            }
            else
            {
                throw ApiException.InvalidValue(field, "", "One of source or initializeParams must be specified.");
            }
            var sizeGb = Json.Long(init, "diskSizeGb", $"{field}.initializeParams.diskSizeGb") ?? 10;
            var type = Json.Str(d, "type", $"{field}.type") ?? "PERSISTENT";
            if (type is not ("PERSISTENT" or "SCRATCH")) throw ApiException.InvalidValue($"{field}.type", type, "Must be PERSISTENT or SCRATCH.");
            var mode = Json.Str(d, "mode", $"{field}.mode") ?? "READ_WRITE";
            if (mode is not ("READ_WRITE" or "READ_ONLY")) throw ApiException.InvalidValue($"{field}.mode", mode, "Must be READ_WRITE or READ_ONLY.");
            disks.Add(new JsonObject
            {
                ["autoDelete"] = Json.Bool(d, "autoDelete", $"{field}.autoDelete") ?? false,
                ["boot"] = boot,
                ["deviceName"] = Json.Str(d, "deviceName", $"{field}.deviceName") ?? $"persistent-disk-{k}",
                ["diskSizeGb"] = sizeGb.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["index"] = k,
                ["interface"] = Json.Str(d, "interface", $"{field}.interface") ?? "SCSI",
                ["kind"] = "compute#attachedDisk",
                ["mode"] = mode,
                ["source"] = NestedLink(source),
                ["type"] = type,
            });
        }
        return disks;
    }

    private List<NicSpec> ReadNics(JsonObject body, string project, string region)
    {
        var array = Json.Arr(body, "networkInterfaces", "resource.networkInterfaces");
        if (array is null || array.Count == 0)
            throw ApiException.InvalidValue("resource.networkInterfaces", "", "At least one network interface must be specified.");
        if (array.Count > 8) throw ApiException.InvalidValue("resource.networkInterfaces", "", "At most 8 network interfaces are supported.");
        var specs = new List<NicSpec>();
        for (var k = 0; k < array.Count; k++)
        {
            var field = $"resource.networkInterfaces[{k}]";
            var n = array[k] as JsonObject ?? throw ApiException.InvalidValue(field, "", "Expected an object.");
            var networkText = Json.Str(n, "network", $"{field}.network") ?? "global/networks/default";
            var network = ParseRef(project, networkText, "networks", $"{field}.network");
            if (network.Scope != Scope.Global) throw ApiException.InvalidValue($"{field}.network", networkText, "Networks are global.");
            var subnetworkText = Json.Str(n, "subnetwork", $"{field}.subnetwork");
            var subnetwork = subnetworkText is null
                ? new ResourceRef(project, Scope.Region(region), "subnetworks", network.Name)
                : ParseRef(project, subnetworkText, "subnetworks", $"{field}.subnetwork");
            if (subnetwork.Scope != Scope.Region(region))
                throw ApiException.InvalidValue($"{field}.subnetwork", subnetworkText ?? "", $"The subnetwork must be in region {region}.");
            var networkIp = Json.Str(n, "networkIP", $"{field}.networkIP");
            if (networkIp is not null && !IsIpv4(networkIp)) throw ApiException.InvalidValue($"{field}.networkIP", networkIp, "Invalid IP address specified.");

            var acs = Json.Arr(n, "accessConfigs", $"{field}.accessConfigs");
            if (acs is { Count: > 1 }) throw ApiException.InvalidValue(field, "", "Multiple access configs are not supported.");
            AccessConfigSpec? ac = null;
            if (acs is { Count: 1 })
            {
                var acObj = acs[0] as JsonObject ?? throw ApiException.InvalidValue($"{field}.accessConfigs[0]", "", "Expected an object.");
                ac = ReadAccessConfig(acObj, $"{field}.accessConfigs[0]");
            }
            specs.Add(new NicSpec($"nic{k}", network.Path, subnetwork.Path, networkIp, ac));
        }
        var error = CheckNicSpecs(specs, project, region);
        if (error is not null) throw error;
        return specs;
    }

    private static AccessConfigSpec ReadAccessConfig(JsonObject ac, string field)
    {
        var type = Json.Str(ac, "type", $"{field}.type") ?? "ONE_TO_ONE_NAT";
        if (type != "ONE_TO_ONE_NAT") throw ApiException.InvalidValue($"{field}.type", type, "The stand-in supports only ONE_TO_ONE_NAT.");
        var name = Json.Str(ac, "name", $"{field}.name") ?? "external-nat";
        var tier = Json.Str(ac, "networkTier", $"{field}.networkTier") ?? "PREMIUM";
        if (tier is not ("PREMIUM" or "STANDARD")) throw ApiException.InvalidValue($"{field}.networkTier", tier, "Must be PREMIUM or STANDARD.");
        var natIp = Json.Str(ac, "natIP", $"{field}.natIP");
        if (natIp is not null && !IsIpv4(natIp)) throw ApiException.InvalidValue($"{field}.natIP", natIp, "Invalid IP address specified.");
        return new AccessConfigSpec(name, type, tier, natIp, field);
    }

    /// <summary>natIP must be a static address of the instance's region that nothing uses; networkIP must be free.</summary>
    private ApiException? CheckNicSpecs(List<NicSpec> specs, string project, string region)
    {
        var used = UsedIps();
        foreach (var spec in specs)
        {
            if (spec.NetworkIp is not null && used.Contains(spec.NetworkIp))
                return ApiException.InvalidValue($"resource.networkInterfaces[{spec.Name[3..]}].networkIP", spec.NetworkIp, "Specified IP address is in-use and would result in a conflict.");
            if (spec.AccessConfig is { NatIp: { } natIp } ac)
            {
                var error = CheckNatIp(project, region, natIp, ac.Field);
                if (error is not null) return error;
            }
        }
        return null;
    }

    private ApiException? CheckNatIp(string project, string region, string natIp, string field)
    {
        if (StaticAddress(project, region, natIp) is null)
            return ApiException.InvalidValue(field, "", "Specified external IP address not found.");
        if (ExternalIpUser(natIp) is not null)
            return ApiException.InvalidValue($"{field}.natIP", natIp, "Specified IP address is in-use and would result in a conflict.");
        return null;
    }

    private static JsonObject ReadScheduling(JsonObject? s)
    {
        var preemptible = Json.Bool(s, "preemptible", "resource.scheduling.preemptible") ?? false;
        var o = new JsonObject
        {
            ["automaticRestart"] = Json.Bool(s, "automaticRestart", "resource.scheduling.automaticRestart") ?? !preemptible,
            ["onHostMaintenance"] = NonEmpty(Json.Str(s, "onHostMaintenance", "resource.scheduling.onHostMaintenance")) ?? (preemptible ? "TERMINATE" : "MIGRATE"),
            ["preemptible"] = preemptible,
        };
        var model = NonEmpty(Json.Str(s, "provisioningModel", "resource.scheduling.provisioningModel")) ?? (preemptible ? null : "STANDARD");
        if (model is not null) o["provisioningModel"] = model;
        var action = NonEmpty(Json.Str(s, "instanceTerminationAction", "resource.scheduling.instanceTerminationAction"));
        if (action is not null) o["instanceTerminationAction"] = action;
        return o;
    }

    private static string? NonEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;

    // ---- instances.delete, start, stop -------------------------------------------------------------

    private JsonNode DeleteInstance(Req r)
    {
        var i = RequirePathResource<InstanceResource>(r, "instances");
        CheckNotDeleting(i);
        if (i.DeletionProtection)
            throw new ApiException(400, "invalidResourceUsage", "Invalid resource usage: 'Resource cannot be deleted if it's protected against deletion.'.");
        var previous = i.Status;
        var result = DeleteOperation(r, i, onAbort: () => i.Status = previous);
        i.Status = "STOPPING";
        return result;
    }

    private bool Alive(Resource res) => _resources.TryGetValue(res.Path, out var live) && ReferenceEquals(live, res);

    private JsonNode StartInstance(Req r)
    {
        var i = RequirePathResource<InstanceResource>(r, "instances");
        CheckNotDeleting(i);
        CheckSettled(i, r.Now);
        return StartOperation(r, "start", i.Ref, i.Id, () =>
        {
            if (!Alive(i)) return ApiException.NotFound(i.Path);
            if (i.Status == "TERMINATED") StartNow(i, _applyTime);
            return null;
        });
    }

    private JsonNode StopInstance(Req r)
    {
        var i = RequirePathResource<InstanceResource>(r, "instances");
        CheckNotDeleting(i);
        CheckSettled(i, r.Now);
        var previous = i.Status;
        var result = StartOperation(r, "stop", i.Ref, i.Id,
            apply: () =>
            {
                if (!Alive(i)) return ApiException.NotFound(i.Path);
                StopNow(i, _applyTime);
                return null;
            },
            abort: () =>
            {
                if (i.Status == "STOPPING") i.Status = previous;
            });
        if (i.Status == "RUNNING") i.Status = "STOPPING";
        return result;
    }

    private void StopNow(InstanceResource i, DateTimeOffset now)
    {
        (i.ShownStatus, i.ShownUntil) = (null, null);
        if (i.Status == "TERMINATED") return;
        i.Status = "TERMINATED";
        i.LastStop = now;
        foreach (var ac in i.Nics.SelectMany(n => n.AccessConfigs))
        {
            // An ephemeral external IP is released when the VM stops; a static one stays attached.
            if (ac.NatIp is not null && StaticAddress(i.Project, i.Region, ac.NatIp) is null) ac.NatIp = null;
        }
    }

    private void StartNow(InstanceResource i, DateTimeOffset now)
    {
        (i.ShownStatus, i.ShownUntil) = (null, null);
        if (i.Status is "RUNNING") return;
        i.Status = "RUNNING";
        i.BootStartedAt = now;
        i.RunningAt = now + InstanceBootTime;
        i.BootIsFirst = false;
        i.LastStart = now;
        foreach (var ac in i.Nics.SelectMany(n => n.AccessConfigs))
        {
            ac.NatIp ??= AllocateExternal(isStatic: false);
        }
    }

    // ---- access configs ----------------------------------------------------------------------------

    private NetworkInterface RequireNic(Req r, InstanceResource i)
    {
        var nicName = r.Q("networkInterface") ?? throw ApiException.Required("networkInterface");
        return i.Nics.FirstOrDefault(n => n.Name == nicName)
            ?? throw ApiException.InvalidValue("networkInterface", nicName, $"The instance has no network interface named '{nicName}'.");
    }

    private JsonNode AddAccessConfig(Req r)
    {
        var i = RequirePathResource<InstanceResource>(r, "instances");
        CheckNotDeleting(i);
        var nic = RequireNic(r, i);
        var body = r.Body ?? throw ApiException.Required("resource");
        var spec = ReadAccessConfig(body, "resource");
        if (nic.AccessConfigs.Count > 0) throw ApiException.BadRequest("At most one access config currently supported.");
        ApiException? Check()
        {
            if (!Alive(i)) return ApiException.NotFound(i.Path);
            if (nic.AccessConfigs.Count > 0) return ApiException.BadRequest("At most one access config currently supported.");
            return spec.NatIp is null ? null : CheckNatIp(i.Project, i.Region, spec.NatIp, "resource");
        }
        var error = Check();
        if (error is not null) throw error;
        return StartOperation(r, "addAccessConfig", i.Ref, i.Id, () =>
        {
            var e = Check();
            if (e is not null) return e;
            nic.AccessConfigs.Add(new AccessConfig
            {
                Name = spec.Name,
                Type = spec.Type,
                NetworkTier = spec.NetworkTier,
                NatIp = spec.NatIp ?? (i.Status == "TERMINATED" ? null : AllocateExternal(isStatic: false)),
            });
            return null;
        });
    }

    private JsonNode DeleteAccessConfig(Req r)
    {
        var i = RequirePathResource<InstanceResource>(r, "instances");
        CheckNotDeleting(i);
        var acName = r.Q("accessConfig") ?? throw ApiException.Required("accessConfig");
        var nic = RequireNic(r, i);
        ApiException? Check()
        {
            if (!Alive(i)) return ApiException.NotFound(i.Path);
            return nic.AccessConfigs.Any(c => c.Name == acName)
                ? null
                : ApiException.InvalidValue("accessConfig", acName, $"Network interface '{nic.Name}' has no access config named '{acName}'.");
        }
        var error = Check();
        if (error is not null) throw error;
        return StartOperation(r, "deleteAccessConfig", i.Ref, i.Id, () =>
        {
            var e = Check();
            if (e is not null) return e;
            // An ephemeral IP is released; a static address goes back to RESERVED (its users are derived).
            nic.AccessConfigs.RemoveAll(c => c.Name == acName);
            return null;
        });
    }

    // ---- setLabels, setMetadata --------------------------------------------------------------------

    private JsonNode SetInstanceLabels(Req r)
    {
        var i = RequirePathResource<InstanceResource>(r, "instances");
        CheckNotDeleting(i);
        var body = r.Body ?? throw ApiException.Required("resource");
        var fingerprint = Json.Str(body, "labelFingerprint", "resource.labelFingerprint");
        var labels = ReadLabels(body, "resource.labels");
        ApiException? Check()
        {
            if (!Alive(i)) return ApiException.NotFound(i.Path);
            return fingerprint == LabelsFingerprint(i.Labels)
                ? null
                : ApiException.ConditionNotMet("Labels fingerprint either invalid or resource labels have changed");
        }
        var error = Check();
        if (error is not null) throw error;
        // operationType as recorded from the real API (KCC computeinstance log).
        return StartOperation(r, "compute.instance.setLabels", i.Ref, i.Id, () =>
        {
            var e = Check();
            if (e is not null) return e;
            i.Labels = labels;
            return null;
        });
    }

    private JsonNode SetInstanceMetadata(Req r)
    {
        var i = RequirePathResource<InstanceResource>(r, "instances");
        CheckNotDeleting(i);
        var body = r.Body ?? throw ApiException.Required("resource");
        var fingerprint = Json.Str(body, "fingerprint", "resource.fingerprint");
        var items = ReadMetadataItems(body, "resource");
        ApiException? Check()
        {
            if (!Alive(i)) return ApiException.NotFound(i.Path);
            return fingerprint == Fingerprint(MetadataCanonical(i.Metadata))
                ? null
                : ApiException.ConditionNotMet("Supplied fingerprint does not match current metadata fingerprint.");
        }
        var error = Check();
        if (error is not null) throw error;
        return StartOperation(r, "setMetadata", i.Ref, i.Id, () =>
        {
            var e = Check();
            if (e is not null) return e;
            i.Metadata = items;
            return null;
        });
    }

    // ---- aggregated list ---------------------------------------------------------------------------

    private JsonNode AggregatedInstances(Req r)
    {
        var query = ListQuery.Parse(r.Query);
        var all = _resources.Values.OfType<InstanceResource>()
            .Where(i => i.Project == r.Project)
            .Select(i => RenderInstance(i, r.Now));
        var page = query.Apply(all, out var next);
        var items = new JsonObject();
        foreach (var zone in _geography.SelectMany(g => g.Zones).OrderBy(z => z, StringComparer.Ordinal))
        {
            var zoneLink = SelfLink($"projects/{r.Project}/zones/{zone}");
            var inZone = page.Where(i => i["zone"]?.GetValue<string>() == zoneLink).Select(i => (JsonNode)i).ToArray();
            items[$"zones/{zone}"] = inZone.Length > 0
                ? new JsonObject { ["instances"] = new JsonArray(inZone) }
                : new JsonObject
                {
                    ["warning"] = new JsonObject
                    {
                        ["code"] = "NO_RESULTS_ON_PAGE",
                        ["data"] = new JsonArray(new JsonObject { ["key"] = "scope", ["value"] = $"zones/{zone}" }),
                        ["message"] = $"There are no results for scope 'zones/{zone}' on this page.",
                    },
                };
        }
        var path = $"projects/{r.Project}/aggregated/instances";
        var o = new JsonObject
        {
            ["id"] = path,
            ["items"] = items,
            ["kind"] = "compute#instanceAggregatedList",
            ["selfLink"] = SelfLink(path),
        };
        if (next is not null) o["nextPageToken"] = next;
        return o;
    }
}
