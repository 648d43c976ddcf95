using System.Net;
using System.Security.Cryptography.X509Certificates;
using k8s;
using k8s.Autorest;

namespace HaMaster.Tests;

/// <summary>
/// Export-HaKubeConfig on a real cluster (docs/design.md §10.3): the official Kubernetes client, not one
/// written here, uses the exported credential through the cluster address and the load balancer, and
/// the same client without it, or with another cluster's, is refused.
/// </summary>
public sealed class KubeConfigTests : IDisposable
{
    private readonly PowerShellSession _ps = new();

    [Fact]
    public async Task The_kubernetes_client_reaches_version_and_discovery_through_the_load_balancer_with_the_exported_credential_only()
    {
        _ps.Run("New-HaCluster -Name kc | Add-MasterReplica; New-HaCluster -Name other", throwOnError: true);
        var cluster = Assert.Single(_ps.Get<HaCluster>("Get-HaCluster kc"));
        Assert.NotNull(cluster.LoadBalancer);
        var path = Path.Combine(_ps.Home, "kc.kubeconfig");

        var exported = Assert.Single(_ps.Get<HaKubeConfig>($"Export-HaKubeConfig -Cluster kc -Path '{path}' -ValidFor 02:00:00"));

        Assert.Equal(("hamaster-kc", "hamaster-admin", cluster.Endpoint, path), (exported.Context, exported.UserName, exported.Server, exported.Path));
        Assert.InRange(exported.ExpiresAt, DateTimeOffset.UtcNow.AddHours(2).AddMinutes(-2), DateTimeOffset.UtcNow.AddHours(2).AddMinutes(1));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        var config = KubernetesClientConfiguration.BuildConfigFromConfigFile(path);
        Assert.Equal(cluster.Endpoint, config.Host.TrimEnd('/'));
        using (var certificate = X509Certificate2.CreateFromPem(FromBase64(config.ClientCertificateData)))
        {
            Assert.Equal("CN=hamaster-admin, O=system:masters", certificate.Subject);
            Assert.Equal(exported.Thumbprint, certificate.Thumbprint);
        }

        using (var client = new Kubernetes(config))
        {
            var version = await client.Version.GetCodeAsync();
            Assert.Equal(("1", "31"), (version.Major, version.Minor));
            var core = await client.Core.GetAPIVersionsAsync();
            Assert.Equal(["v1"], core.Versions);
            var groups = await client.Apis.GetAPIVersionsAsync();
            Assert.Empty(groups.Groups);
        }

        var anonymous = KubernetesClientConfiguration.BuildConfigFromConfigFile(path);
        (anonymous.ClientCertificateData, anonymous.ClientCertificateKeyData) = (null, null);
        using (var client = new Kubernetes(anonymous))
        {
            Assert.Equal("31", (await client.Version.GetCodeAsync()).Minor);
            var refused = await Assert.ThrowsAsync<HttpOperationException>(() => client.Core.GetAPIVersionsAsync());
            Assert.Equal(HttpStatusCode.Forbidden, refused.Response.StatusCode);
            Assert.Contains("system:anonymous", refused.Response.Content);
        }

        // The other cluster's administrator, against this cluster: its CA is not this cluster's.
        var otherPath = Path.Combine(_ps.Home, "other.kubeconfig");
        _ps.Run($"Export-HaKubeConfig -Cluster other -Path '{otherPath}'", throwOnError: true);
        var intruder = KubernetesClientConfiguration.BuildConfigFromConfigFile(path);
        var other = KubernetesClientConfiguration.BuildConfigFromConfigFile(otherPath);
        (intruder.ClientCertificateData, intruder.ClientCertificateKeyData) = (other.ClientCertificateData, other.ClientCertificateKeyData);
        using (var client = new Kubernetes(intruder))
        {
            var refused = await Assert.ThrowsAsync<HttpOperationException>(() => client.Apis.GetAPIVersionsAsync());
            Assert.Contains(refused.Response.StatusCode, new[] { HttpStatusCode.Unauthorized, HttpStatusCode.Forbidden });
        }
    }

    [Fact]
    public void Without_a_path_it_merges_into_the_first_kubeconfig_file_and_bad_input_changes_nothing()
    {
        _ps.Run("New-HaCluster -Name km", throwOnError: true);
        var first = Path.Combine(_ps.Home, "kube", "first");
        var second = Path.Combine(_ps.Home, "kube", "second");
        Directory.CreateDirectory(Path.GetDirectoryName(first)!);
        const string Existing = "apiVersion: v1\nclusters:\n- cluster:\n    server: https://10.9.8.7:6443\n  name: prod\ncontexts: []\ncurrent-context: \"\"\nkind: Config\nusers: []\n";
        File.WriteAllText(first, Existing);
        var before = Environment.GetEnvironmentVariable("KUBECONFIG");
        try
        {
            _ps.Run($"$env:KUBECONFIG = '{first}{Path.PathSeparator}{second}'", throwOnError: true);

            var whatIf = _ps.Run("Export-HaKubeConfig km -WhatIf", throwOnError: true);
            Assert.Empty(whatIf.Output);
            Assert.Equal(Existing, File.ReadAllText(first));

            var exported = Assert.Single(_ps.Get<HaKubeConfig>("Export-HaKubeConfig km"));

            Assert.Equal(first, exported.Path);
            Assert.False(File.Exists(second));
            var config = KubernetesClientConfiguration.LoadKubeConfig(new FileInfo(first));
            Assert.Equal("hamaster-km", config.CurrentContext);
            Assert.Equal(["prod", "hamaster-km"], config.Clusters.Select(c => c.Name));
            Assert.InRange(exported.ExpiresAt, DateTimeOffset.UtcNow.AddHours(23.9), DateTimeOffset.UtcNow.AddHours(24.1));
        }
        finally
        {
            Environment.SetEnvironmentVariable("KUBECONFIG", before);
        }

        var merged = File.ReadAllText(first);
        var notYaml = Path.Combine(_ps.Home, "not-yaml");
        File.WriteAllText(notYaml, "clusters: [unclosed\n");
        foreach (var (script, id) in new[]
        {
            ($"Export-HaKubeConfig km -Path '{first}' -ValidFor 0", "InvalidCertificateValidity"),
            ($"Export-HaKubeConfig km -Path '{first}' -ValidFor -01:00:00", "InvalidCertificateValidity"),
            ($"Export-HaKubeConfig km -Path '{first}' -ValidFor 7300.00:00:00", "InvalidCertificateValidity"),
            ($"Export-HaKubeConfig km -Path '{notYaml}'", "KubeConfigInvalid"),
            ($"Export-HaKubeConfig km -Path '{_ps.Home}'", "KubeConfigNotWritable"),
            ($"Export-HaKubeConfig nope -Path '{first}'", "ClusterNotFound"),
        })
        {
            var error = _ps.Run(script).SingleError();
            Assert.StartsWith(id + ",", error.FullyQualifiedErrorId);
            Assert.False(string.IsNullOrEmpty(error.ErrorDetails?.RecommendedAction), script);
        }
        Assert.Equal(merged, File.ReadAllText(first));
        Assert.Equal("clusters: [unclosed\n", File.ReadAllText(notYaml));
    }

    private static string FromBase64(string data) => System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(data));

    public void Dispose() => _ps.Dispose();
}
