using System.Net;
using System.Text.RegularExpressions;
using HaMaster.Engine.Model;
using HaMaster.Engine.Pki;
using HaMaster.Engine.State;
using HaMaster.Gce.Bootstrap;
using HaMaster.Local;
using Xunit;

namespace HaMaster.Gce.Tests.Bootstrap;

public sealed class StartupScriptTests : IDisposable
{
    private readonly string _temp = Directory.CreateTempSubdirectory("hamaster-startup-").FullName;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    [Fact]
    public async Task Every_replica_script_of_a_three_replica_cluster_passes_bash_n_and_shellcheck()
    {
        await DebianPackages.RequireAsync("/usr/bin/shellcheck", "shellcheck");
        var files = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var file = Path.Combine(_temp, $"startup-{i}.sh");
            await File.WriteAllTextAsync(file, StartupScript.Render(ThreeReplicaCluster.GceSpec(i)));
            files.Add(file);
        }
        // The responder is a heredoc inside the script, which shellcheck does not look into: check it alone.
        var responder = Path.Combine(_temp, "readyz-responder.sh");
        await File.WriteAllTextAsync(responder, ReadinessResponder.Script);
        files.Add(responder);

        foreach (var file in files)
        {
            var syntax = await ExternalProgram.RunAsync("bash", ["-n", file], TimeSpan.FromSeconds(30));
            Assert.True(syntax.ExitCode == 0, $"bash -n {Path.GetFileName(file)}: {syntax.Describe()}");
        }
        var lint = await ExternalProgram.RunAsync("/usr/bin/shellcheck", ["-S", "warning", "-s", "bash", .. files], TimeSpan.FromSeconds(60));
        Assert.True(lint.ExitCode == 0, $"shellcheck -S warning: {lint.Describe()}");
    }

    [Fact]
    public void The_etcd_unit_takes_the_backend_quota_recorded_on_the_cluster()
    {
        var cluster = ThreeReplicaCluster.LocalCluster();
        var recorded = new ClusterState { Name = cluster.Name, Zone = cluster.Zone, Address = cluster.Address, EtcdClusterToken = cluster.EtcdClusterToken, Replicas = cluster.Replicas, EtcdQuotaBytes = 64L * 1024 * 1024 };
        var spec = ReplicaBootstrapSpec.For(recorded, recorded.Replicas[0], ThreeReplicaCluster.LocalBootstrap(recorded, 0));

        var flags = ExecStart(Heredoc(StartupScript.Render(spec), StartupScript.EtcdUnitName));

        Assert.Contains("--quota-backend-bytes=67108864", flags);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    public void The_etcd_unit_runs_etcd_with_the_flags_the_Local_provider_runs_real_etcd_with(int index)
    {
        var spec = ThreeReplicaCluster.GceSpec(index);
        var gce = ExecStart(Heredoc(StartupScript.Render(spec), StartupScript.EtcdUnitName));
        Assert.Equal(ReplicaPaths.EtcdBinary(spec.EtcdVersion), gce[0]);

        // The equivalent Local member, with the command line the Local provider starts etcd with.
        var local = ThreeReplicaCluster.LocalCluster();
        var replica = local.Replicas[index];
        var state = new StateDirectory(Path.Combine(_temp, "home"));
        var certificates = new ClusterPki(state.PkiDirectory(local.Name)).FilesFor(replica.Name);
        var provider = new LocalProvider(state);
        var localFlags = provider.EtcdArguments(local, replica, ThreeReplicaCluster.LocalBootstrap(local, index), certificates);

        // Addresses and files differ, explicitly: the VM's internal address for the loopback one, the
        // VM's files for the state folder's, and one more client listener on loopback on the VM.
        var files = new Dictionary<string, string>
        {
            [new ReplicaLayout(state.ReplicaDirectory(local.Name, replica.Name)).EtcdData] = ReplicaPaths.EtcdDataDirectory,
            [certificates.EtcdCertificate] = ReplicaPaths.EtcdCertificate,
            [certificates.EtcdKey] = ReplicaPaths.EtcdKey,
            [certificates.EtcdCa] = ReplicaPaths.EtcdCa,
        };
        string Translate(string flag)
        {
            var (name, value) = Split(flag);
            if (files.TryGetValue(value, out var file)) return $"{name}={file}";
            for (var i = 0; i < 3; i++) value = value.Replace($"//{ThreeReplicaCluster.LocalAddresses[i]}:", $"//{ThreeReplicaCluster.GceAddresses[i]}:", StringComparison.Ordinal);
            if (name == "--listen-client-urls") value += ",https://127.0.0.1:2379";
            return $"{name}={value}";
        }

        Assert.Equal(localFlags.Select(f => Split(f).Name), gce.Skip(1).Select(f => Split(f).Name));
        Assert.Equal(localFlags.Select(Translate), gce.Skip(1));
        Assert.DoesNotContain(gce, f => f.Contains("127.0.9.", StringComparison.Ordinal));
        Assert.Contains($"--initial-cluster-state={(index == 0 ? "new" : "existing")}", gce);
    }

    [Fact]
    public void The_script_reads_exactly_the_metadata_keys_of_the_constant_set_into_their_files()
    {
        var script = StartupScript.Render(ThreeReplicaCluster.GceSpec(1));
        var reads = Regex.Matches(script, @"^fetch_metadata (\S+) (\S+) (\S+) ", RegexOptions.Multiline)
            .Select(m => (Key: m.Groups[1].Value, File: m.Groups[2].Value, Mode: m.Groups[3].Value)).ToList();

        Assert.Equal(ReplicaMetadataKeys.All.Order(), reads.Select(r => r.Key).Order());
        Assert.Equal(reads.Count, reads.Select(r => r.Key).Distinct().Count());
        foreach (var read in reads)
        {
            Assert.Equal(ReplicaPaths.FileFor(read.Key), read.File);
            Assert.Equal(ReplicaMetadataKeys.IsPrivateKey(read.Key) ? "0600" : "0644", read.Mode);
        }
        // Only fetch_metadata talks to the metadata server, with the header it requires.
        Assert.Single(Regex.Matches(script, "computeMetadata"));
        Assert.Single(Regex.Matches(script, Regex.Escape("\"$metadata_url/$key\"")));
        Assert.Contains("-H 'Metadata-Flavor: Google'", script);
        Assert.Contains("readonly metadata_url=http://metadata.google.internal/computeMetadata/v1/instance/attributes\n", script);
    }

    [Fact]
    public void Every_file_the_units_use_is_one_the_script_writes_from_metadata()
    {
        var spec = ThreeReplicaCluster.GceSpec(2);
        var script = StartupScript.Render(spec);
        var written = ReplicaMetadataKeys.All.Select(ReplicaPaths.FileFor).ToHashSet();
        var flags = ExecStart(Heredoc(script, StartupScript.EtcdUnitName)).Skip(1)
            .Concat(ExecStart(Heredoc(script, StartupScript.KubeApiServerUnitName)).Skip(1));
        var used = flags.Select(Split).Where(f => f.Value.StartsWith(ReplicaPaths.PkiDirectory + "/", StringComparison.Ordinal)).Select(f => f.Value).ToHashSet();
        Assert.Subset(written, used);
        Assert.Equal(written, used);
        Assert.Contains(ReplicaPaths.ClusterCa, ReadinessResponder.Script);
    }

    [Fact]
    public void Kube_apiserver_talks_mutual_TLS_to_its_local_etcd_serves_443_and_advertises_the_cluster_address()
    {
        var spec = ThreeReplicaCluster.GceSpec(2);
        var unit = Heredoc(StartupScript.Render(spec), StartupScript.KubeApiServerUnitName);
        var flags = ExecStart(unit);
        Assert.Equal(ReplicaPaths.KubeApiServerBinary(KubernetesRelease.DefaultVersion), flags[0]);
        var values = flags.Skip(1).Select(Split).ToDictionary(f => f.Name, f => f.Value);
        Assert.Equal("https://127.0.0.1:2379", values["--etcd-servers"]);
        Assert.Equal(ReplicaPaths.EtcdCa, values["--etcd-cafile"]);
        Assert.Equal(ReplicaPaths.EtcdCertificate, values["--etcd-certfile"]);
        Assert.Equal(ReplicaPaths.EtcdKey, values["--etcd-keyfile"]);
        Assert.Equal("443", values["--secure-port"]);
        Assert.Equal(ThreeReplicaCluster.GceClusterAddress, values["--advertise-address"]);
        Assert.Equal(ReplicaPaths.ApiServerCertificate, values["--tls-cert-file"]);
        Assert.Equal(ReplicaPaths.ApiServerKey, values["--tls-private-key-file"]);
        Assert.Equal("10.0.0.0/24", values["--service-cluster-ip-range"]);
        Assert.Equal("Node,RBAC", values["--authorization-mode"]);
        // Quorum reads were asked for, but the flag was removed from kube-apiserver in v1.13.
        Assert.True(spec.EnableEtcdQuorumReads);
        Assert.DoesNotContain("--etcd-quorum-read", values.Keys);
        Assert.Contains("After=network-online.target etcd.service", unit);
    }

    [Fact]
    public void The_script_downloads_pinned_releases_and_verifies_their_published_checksums()
    {
        var script = StartupScript.Render(ThreeReplicaCluster.GceSpec(0) with { KubernetesVersion = "v1.33.5" });
        Assert.Contains("readonly kubernetes_version=v1.33.5\n", script);
        Assert.Contains($"readonly etcd_version={EtcdRelease.DefaultVersion}\n", script);
        Assert.Contains("\"https://dl.k8s.io/$kubernetes_version/bin/linux/$arch/kube-apiserver\"", script);
        Assert.Contains("download \"$url.sha256\"", script);
        Assert.Contains("https://github.com/etcd-io/etcd/releases/download/$etcd_version/$name.tar.gz", script);
        Assert.Contains("https://github.com/etcd-io/etcd/releases/download/$etcd_version/SHA256SUMS", script);
        Assert.Equal(2, Regex.Matches(script, @"^\s+verify ""\$work"" ", RegexOptions.Multiline).Count);
        Assert.StartsWith("#!/bin/bash\n", script);
        Assert.Contains("\nset -euo pipefail\n", script);
    }

    [Fact]
    public void No_private_key_material_is_in_the_script_only_in_the_metadata_items_beside_it()
    {
        var spec = ThreeReplicaCluster.GceSpec(1);
        var pki = new ClusterPki(Path.Combine(_temp, "pki"));
        var now = DateTimeOffset.UtcNow;
        pki.CreateAuthorities(spec.ClusterName, now);
        var files = pki.IssueReplica(spec.ReplicaName, IPAddress.Parse(spec.InternalAddress), IPAddress.Parse(spec.ClusterAddress), now);
        var serviceAccountKey = ReplicaMetadata.NewServiceAccountKeyPem();

        var items = ReplicaMetadata.Items(spec, files, serviceAccountKey);

        Assert.Equal(ReplicaMetadataKeys.All.Append(ReplicaMetadataKeys.StartupScript).Order(), items.Keys.Order());
        var script = items[ReplicaMetadataKeys.StartupScript];
        Assert.DoesNotContain("-----BEGIN", script);
        Assert.DoesNotContain("PRIVATE KEY", script);
        foreach (var key in ReplicaMetadataKeys.All)
        {
            var body = Regex.Replace(items[key], "-----[A-Z ]+-----|\\s", "");
            Assert.True(body.Length > 64, key);
            for (var offset = 0; offset + 32 <= body.Length; offset += 32)
                Assert.DoesNotContain(body.Substring(offset, 32), script);
        }
        foreach (var key in ReplicaMetadataKeys.PrivateKeys)
            Assert.Contains("PRIVATE KEY-----", items[key]);
        Assert.Contains("-----BEGIN PRIVATE KEY-----", serviceAccountKey);
    }

    [Theory]
    [InlineData("1.34.1")]
    [InlineData("v1.34")]
    [InlineData("v1.19.16")]
    [InlineData("v1.34.1; rm -rf /")]
    public void A_Kubernetes_version_that_is_not_a_supported_release_is_refused(string version)
    {
        var spec = ThreeReplicaCluster.GceSpec(0) with { KubernetesVersion = version };
        Assert.Throws<ArgumentException>(() => StartupScript.Render(spec));
    }

    [Theory]
    [InlineData("v3.3.27")]
    [InlineData("v3.7.0")]
    [InlineData("3.5.21")]
    public void An_etcd_version_whose_flags_differ_is_refused(string version)
    {
        var spec = ThreeReplicaCluster.GceSpec(0) with { EtcdVersion = version };
        Assert.Throws<ArgumentException>(() => StartupScript.Render(spec));
    }

    [Fact]
    public void Values_that_would_need_quoting_or_do_not_describe_this_member_are_refused()
    {
        var spec = ThreeReplicaCluster.GceSpec(1);
        Assert.Throws<ArgumentException>(() => StartupScript.Render(spec with { EtcdClusterToken = "a b" }));
        Assert.Throws<ArgumentException>(() => StartupScript.Render(spec with { EtcdClusterToken = "x%n" }));
        Assert.Throws<ArgumentException>(() => StartupScript.Render(spec with { InternalAddress = "10.128.0.99" }));
        Assert.Throws<ArgumentException>(() => StartupScript.Render(spec with { ClusterAddress = "example.com" }));
        Assert.Throws<ArgumentException>(() => StartupScript.Render(spec with { ReplicaName = "Demo_master" }));
        Assert.Throws<ArgumentException>(() => StartupScript.Render(spec with { EtcdInitialCluster = [] }));
        Assert.Throws<ArgumentException>(() => StartupScript.Render(spec with { ServiceClusterIpRange = "10.0.0.0" }));
    }

    internal static (string Name, string Value) Split(string flag)
    {
        var equals = flag.IndexOf('=');
        return equals < 0 ? (flag, "") : (flag[..equals], flag[(equals + 1)..]);
    }

    /// <summary>The content the script writes to a unit, taken from its heredoc.</summary>
    internal static string Heredoc(string script, string unitName)
    {
        var lines = script.Split('\n');
        var start = Array.FindIndex(lines, l => l.StartsWith($"write_file \"$unit_dir/{unitName}\" ", StringComparison.Ordinal) && l.EndsWith("<<'UNIT'", StringComparison.Ordinal));
        Assert.True(start >= 0, $"the script writes no {unitName}");
        var end = Array.IndexOf(lines, "UNIT", start + 1);
        Assert.True(end > start, $"the heredoc of {unitName} does not end");
        return string.Join('\n', lines[(start + 1)..end]) + "\n";
    }

    /// <summary>The words of a unit's ExecStart line, continuation lines joined.</summary>
    internal static IReadOnlyList<string> ExecStart(string unit)
    {
        var lines = unit.Split('\n');
        var start = Array.FindIndex(lines, l => l.StartsWith("ExecStart=", StringComparison.Ordinal));
        Assert.True(start >= 0, "no ExecStart");
        var command = lines[start]["ExecStart=".Length..];
        for (var i = start; lines[i].EndsWith('\\'); i++)
            command = command.TrimEnd('\\') + " " + lines[i + 1];
        return command.Split(' ', StringSplitOptions.RemoveEmptyEntries);
    }
}
