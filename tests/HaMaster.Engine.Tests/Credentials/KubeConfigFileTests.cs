using System.Runtime.Versioning;
using System.Text;
using HaMaster.Engine.Credentials;
using HaMaster.Engine.Errors;
using k8s;
using Xunit;

namespace HaMaster.Engine.Tests.Credentials;

/// <summary>
/// The kubeconfig a credential goes into (docs/design.md §10.3): read back by the official Kubernetes
/// client, every other entry kept as it was, owner-only, and a file that is not a kubeconfig left untouched.
/// </summary>
[UnsupportedOSPlatform("windows")] // file modes and symbolic links as Unix has them
public sealed class KubeConfigFileTests : IDisposable
{
    // As kubectl writes it (kubectl config set-cluster/set-credentials/set-context), with an exec user.
    private const string KubectlWritten = """
        apiVersion: v1
        clusters:
        - cluster:
            certificate-authority-data: Y2EtZGF0YQ==
            server: https://kind-control-plane:6443
          name: kind-kind
        - cluster:
            insecure-skip-tls-verify: true
            server: https://10.1.2.3:443
          name: staging
        contexts:
        - context:
            cluster: kind-kind
            namespace: team-a
            user: kind-kind
          name: kind-kind
        current-context: kind-kind
        kind: Config
        preferences: {}
        users:
        - name: kind-kind
          user:
            token: "0123456789"
        - name: gke-user
          user:
            exec:
              apiVersion: client.authentication.k8s.io/v1beta1
              args:
              - --use_application_default_credentials
              command: gke-gcloud-auth-plugin
              interactiveMode: IfAvailable
              provideClusterInfo: true

        """;

    private readonly string _folder = Directory.CreateTempSubdirectory("hm-kubeconfig-").FullName;

    private string PathOf(string name) => Path.Combine(_folder, name);

    private static KubeConfigEntry Entry(string name, string server = "https://127.0.0.9:6443", string user = "admin") => new(
        name, server,
        "-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n",
        $"-----BEGIN CERTIFICATE-----\n{user}\n-----END CERTIFICATE-----\n",
        "-----BEGIN PRIVATE KEY-----\nKEY\n-----END PRIVATE KEY-----\n");

    [Fact]
    public void A_new_file_holds_only_the_cluster_is_owner_only_and_the_kubernetes_client_reads_it()
    {
        var path = PathOf("new/config");

        KubeConfigFile.Merge(path, Entry("hamaster-demo"));

        var config = KubernetesClientConfiguration.LoadKubeConfig(new FileInfo(path));
        Assert.Equal("hamaster-demo", config.CurrentContext);
        var cluster = Assert.Single(config.Clusters);
        Assert.Equal("https://127.0.0.9:6443", cluster.ClusterEndpoint.Server);
        Assert.Equal("-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n", Decode(cluster.ClusterEndpoint.CertificateAuthorityData));
        var user = Assert.Single(config.Users);
        Assert.Equal("-----BEGIN PRIVATE KEY-----\nKEY\n-----END PRIVATE KEY-----\n", Decode(user.UserCredentials.ClientKeyData));
        var context = Assert.Single(config.Contexts);
        Assert.Equal(("hamaster-demo", "hamaster-demo"), (context.ContextDetails.Cluster, context.ContextDetails.User));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal(["config"], Directory.GetFileSystemEntries(Path.GetDirectoryName(path)!).Select(Path.GetFileName));
    }

    [Fact]
    public void Merging_keeps_every_other_entry_byte_for_byte_and_replaces_its_own_on_a_second_export()
    {
        var path = PathOf("config");
        File.WriteAllText(path, KubectlWritten);

        KubeConfigFile.Merge(path, Entry("hamaster-demo", user: "first"));
        KubeConfigFile.Merge(path, Entry("hamaster-demo", user: "second"));
        var merged = File.ReadAllText(path);

        // Every line kubectl wrote is still there, in its order, except the current context.
        var kept = KubectlWritten.Split('\n').Where(l => l.Length > 0 && !l.StartsWith("current-context:", StringComparison.Ordinal)).ToList();
        var lines = merged.Split('\n').ToList();
        var at = 0;
        foreach (var line in kept)
        {
            var found = lines.IndexOf(line, at);
            Assert.True(found >= 0, $"'{line}' is missing or out of order in:\n{merged}");
            at = found + 1;
        }
        var config = KubernetesClientConfiguration.LoadKubeConfig(new FileInfo(path));
        Assert.Equal("hamaster-demo", config.CurrentContext);
        Assert.Equal(["kind-kind", "staging", "hamaster-demo"], config.Clusters.Select(c => c.Name));
        Assert.Equal(["kind-kind", "gke-user", "hamaster-demo"], config.Users.Select(u => u.Name));
        Assert.Equal(["kind-kind", "hamaster-demo"], config.Contexts.Select(c => c.Name));
        Assert.Equal("team-a", config.Contexts.Single(c => c.Name == "kind-kind").ContextDetails.Namespace);
        Assert.Equal("gke-gcloud-auth-plugin", config.Users.Single(u => u.Name == "gke-user").UserCredentials.ExternalExecution.Command);
        Assert.Contains("second", Decode(config.Users.Single(u => u.Name == "hamaster-demo").UserCredentials.ClientCertificateData));
    }

    [Theory]
    [InlineData("clusters: [unclosed\n")]
    [InlineData("- just\n- a list\n")]
    [InlineData("apiVersion: v1\nkind: Pod\n")]
    [InlineData("apiVersion: v1\nclusters: a string\n")]
    public void A_file_that_is_not_a_kubeconfig_is_refused_and_left_untouched(string content)
    {
        var path = PathOf("config");
        File.WriteAllText(path, content);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        var written = File.GetLastWriteTimeUtc(path);

        var refused = Assert.Throws<HaException>(() => KubeConfigFile.Merge(path, Entry("hamaster-demo")));

        Assert.Equal(ErrorIds.KubeConfigInvalid, refused.ErrorId);
        Assert.Contains(path, refused.Message);
        Assert.Equal(content, File.ReadAllText(path));
        Assert.Equal(written, File.GetLastWriteTimeUtc(path));
        Assert.Equal(["config"], Directory.GetFileSystemEntries(_folder).Select(Path.GetFileName));
    }

    [Fact]
    public void A_path_that_cannot_be_written_is_refused_with_its_cause()
    {
        File.WriteAllText(PathOf("a-file"), "");

        var underAFile = Assert.Throws<HaException>(() => KubeConfigFile.Merge(PathOf("a-file/config"), Entry("hamaster-demo")));
        Directory.CreateDirectory(PathOf("a-folder"));
        var aFolder = Assert.Throws<HaException>(() => KubeConfigFile.Merge(PathOf("a-folder"), Entry("hamaster-demo")));

        Assert.Equal(ErrorIds.KubeConfigNotWritable, underAFile.ErrorId);
        Assert.Equal(ErrorIds.KubeConfigNotWritable, aFolder.ErrorId);
        Assert.Contains("folder", aFolder.Message);
        Assert.Empty(File.ReadAllText(PathOf("a-file")));
        Assert.Empty(Directory.GetFileSystemEntries(PathOf("a-folder")));
    }

    [Fact]
    public void A_symbolic_link_is_followed_and_stays_a_link()
    {
        var target = PathOf("real-config");
        File.WriteAllText(target, KubectlWritten);
        var link = PathOf("config");
        File.CreateSymbolicLink(link, target);

        var written = KubeConfigFile.Merge(link, Entry("hamaster-demo"));

        Assert.Equal(target, written);
        Assert.NotNull(new FileInfo(link).LinkTarget);
        Assert.Contains("hamaster-demo", File.ReadAllText(target));
    }

    [Fact]
    public void A_lock_file_left_by_a_killed_writer_is_named_after_the_wait()
    {
        var path = PathOf("config");
        File.WriteAllText(path, KubectlWritten);
        File.WriteAllText(path + ".lock", "");

        var refused = Assert.Throws<HaException>(() => KubeConfigFile.Merge(path, Entry("hamaster-demo"), lockPatience: TimeSpan.FromMilliseconds(200)));

        Assert.Equal(ErrorIds.KubeConfigNotWritable, refused.ErrorId);
        Assert.Contains(path + ".lock", refused.RecommendedAction);
        Assert.Equal(KubectlWritten, File.ReadAllText(path));
    }

    [Fact]
    public void The_default_file_is_the_first_of_kubeconfig_else_the_one_in_the_home_folder()
    {
        var before = Environment.GetEnvironmentVariable("KUBECONFIG");
        try
        {
            Environment.SetEnvironmentVariable("KUBECONFIG", $"{PathOf("first")}{Path.PathSeparator}{PathOf("second")}");
            Assert.Equal(PathOf("first"), KubeConfigFile.DefaultPath());
            Environment.SetEnvironmentVariable("KUBECONFIG", null);
            Assert.Equal(Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".kube", "config"), KubeConfigFile.DefaultPath());
        }
        finally
        {
            Environment.SetEnvironmentVariable("KUBECONFIG", before);
        }
    }

    private static string Decode(string base64) => Encoding.UTF8.GetString(Convert.FromBase64String(base64));

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
