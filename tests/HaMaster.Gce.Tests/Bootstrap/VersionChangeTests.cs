using HaMaster.Engine.Errors;
using HaMaster.Engine.Model;
using HaMaster.Engine.Providers;
using HaMaster.Gce.Bootstrap;
using Xunit;

namespace HaMaster.Gce.Tests.Bootstrap;

/// <summary>
/// The version steps a Gce rollout takes and refuses (docs/design.md §10.4), and the provider data a
/// settings change records: only what differs from the cluster's settings.
/// </summary>
public sealed class VersionChangeTests
{
    [Theory]
    [InlineData("v1.34.1", "v1.34.2", false)]
    [InlineData("v1.34.1", "v1.35.0", false)]
    [InlineData("v1.34.1", "v1.35.7", false)]
    [InlineData("v1.34.1", "v1.34.0", true)]
    [InlineData("v1.34.1", "v1.33.9", true)]
    public void Kubernetes_moves_one_minor_up_and_down_only_with_force(string from, string to, bool force) =>
        VersionChange.CheckKubernetes(from, to, force);

    [Theory]
    [InlineData("v1.34.1", "v1.36.0", false, "one minor version at a time")]
    [InlineData("v1.34.1", "v1.36.0", true, "one minor version at a time")]
    [InlineData("v1.34.1", "v2.0.0", true, "does not cross a major version")]
    [InlineData("v1.34.1", "v1.34.0", false, "that is downwards")]
    [InlineData("v1.34.1", "v1.33.9", false, "that is downwards")]
    [InlineData("v1.34.1", "v1.32.0", true, "downwards too")]
    public void Kubernetes_steps_outside_the_skew_policy_are_refused(string from, string to, bool force, string why)
    {
        var refused = Assert.Throws<HaException>(() => VersionChange.CheckKubernetes(from, to, force));
        Assert.Equal(ErrorIds.VersionChangeRefused, refused.ErrorId);
        Assert.Contains(why, refused.Message, StringComparison.Ordinal);
        Assert.EndsWith("Nothing was changed.", refused.Message, StringComparison.Ordinal);
        Assert.Equal(to, refused.Target);
    }

    [Theory]
    [InlineData("v3.5.21", "v3.5.22", false)]
    [InlineData("v3.5.21", "v3.6.4", false)]
    [InlineData("v3.4.30", "v3.5.0", false)]
    [InlineData("v3.5.21", "v3.5.20", true)]
    public void Etcd_moves_one_minor_up_and_a_patch_down_only_with_force(string from, string to, bool force) =>
        VersionChange.CheckEtcd(from, to, force);

    [Theory]
    [InlineData("v3.4.30", "v3.6.0", true, "one minor version at a time")]
    [InlineData("v3.5.21", "v3.4.30", true, "older minor version")]
    [InlineData("v3.5.21", "v3.5.20", false, "that is downwards")]
    public void Etcd_steps_its_upgrade_rules_forbid_are_refused(string from, string to, bool force, string why)
    {
        var refused = Assert.Throws<HaException>(() => VersionChange.CheckEtcd(from, to, force));
        Assert.Equal(ErrorIds.VersionChangeRefused, refused.ErrorId);
        Assert.Contains(why, refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1.35.0")]
    [InlineData("v1.35")]
    [InlineData("v1.19.0")]
    public void A_kubernetes_version_that_is_not_a_supported_release_is_an_invalid_setting(string to) =>
        Assert.Equal(ErrorIds.InvalidProviderSetting, Assert.Throws<HaException>(() => VersionChange.CheckKubernetes("v1.34.1", to, force: true)).ErrorId);

    [Theory]
    [InlineData("v3.7.0")]
    [InlineData("v3.3.9")]
    [InlineData("3.5.21")]
    public void An_etcd_version_outside_the_supported_range_is_an_invalid_setting(string to) =>
        Assert.Equal(ErrorIds.InvalidProviderSetting, Assert.Throws<HaException>(() => VersionChange.CheckEtcd("v3.5.21", to, force: true)).ErrorId);

    [Fact]
    public void A_change_records_only_the_settings_that_differ_and_a_bad_machine_type_is_refused()
    {
        var settings = GceClusterSettings.Of(Cluster(), new GceProviderOptions());

        Assert.Empty(settings.Change(new ReplicaSettingsChange("v1.34.1", EtcdRelease.DefaultVersion, "e2-standard-2"), force: false));
        var entries = settings.Change(new ReplicaSettingsChange("v1.35.0", MachineType: "e2-standard-4"), force: false);
        Assert.Equal(new Dictionary<string, string>
        {
            [GceClusterSettings.KubernetesVersionKey] = "v1.35.0",
            [GceClusterSettings.MachineTypeKey] = "e2-standard-4",
        }, entries);
        Assert.Equal(ErrorIds.InvalidProviderSetting,
            Assert.Throws<HaException>(() => settings.Change(new ReplicaSettingsChange(MachineType: "E2 Standard"), force: false)).ErrorId);
    }

    private static ClusterState Cluster()
    {
        var state = new ClusterState { Name = "vc", Provider = ProviderKind.Gce, Zone = "us-central1-a", Address = "10.128.0.2" };
        state.ProviderData[GceClusterSettings.ProjectKey] = "p";
        state.ProviderData[GceClusterSettings.RegionKey] = "us-central1";
        state.ProviderData[GceClusterSettings.KubernetesVersionKey] = "v1.34.1";
        state.ProviderData[GceClusterSettings.MachineTypeKey] = "e2-standard-2";
        return state;
    }
}
