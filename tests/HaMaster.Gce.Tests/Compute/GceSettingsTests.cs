using HaMaster.Gce.Compute;
using Xunit;

namespace HaMaster.Gce.Tests.Compute;

[Collection(ProcessEnvironmentCollection.Name)]
public sealed class GceSettingsTests
{
    private static void WriteConfig(EnvironmentScope env, string name, string ini, bool active = true)
    {
        var folder = Path.Combine(env.GcloudFolder, "configurations");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "config_" + name), ini);
        if (active)
            File.WriteAllText(Path.Combine(env.GcloudFolder, "active_config"), name + "\n");
    }

    [Fact]
    public void Parameters_come_first()
    {
        using var env = new EnvironmentScope();
        env.Set(GceSettings.ProjectVariable, "env-project");
        env.Set(GceSettings.ZoneVariable, "europe-west1-b");
        WriteConfig(env, "default", "[core]\nproject = cfg-project\n[compute]\nzone = asia-east1-a\n");

        var settings = GceSettings.Resolve("my-project", "us-central1-b");

        Assert.Equal(("my-project", "us-central1-b", "us-central1"), (settings.Project, settings.Zone, settings.Region));
        Assert.Equal("-Project", settings.ProjectSource);
        Assert.Equal("-Zone", settings.ZoneSource);
    }

    [Fact]
    public void Environment_comes_before_the_configuration()
    {
        using var env = new EnvironmentScope();
        env.Set(GceSettings.ProjectVariable, "env-project");
        env.Set(GceSettings.ZoneVariable, "europe-west1-b");
        WriteConfig(env, "default", "[core]\nproject = cfg-project\n[compute]\nzone = asia-east1-a\n");

        var settings = GceSettings.Resolve();

        Assert.Equal(("env-project", "europe-west1-b", "europe-west1"), (settings.Project, settings.Zone, settings.Region));
        Assert.Equal(GceSettings.ProjectVariable, settings.ProjectSource);
    }

    [Fact]
    public void The_active_gcloud_configuration_fills_the_rest()
    {
        using var env = new EnvironmentScope();
        WriteConfig(env, "default", "[core]\nproject = default-project\n", active: false);
        WriteConfig(env, "work", """
            # written by gcloud
            [core]
            account = someone@example.com
            project = work-project

            [compute]
            zone = asia-east1-c
            region = asia-east1
            """);

        var settings = GceSettings.Resolve();

        Assert.Equal(("work-project", "asia-east1-c", "asia-east1"), (settings.Project, settings.Zone, settings.Region));
        Assert.Contains("'work'", settings.ProjectSource);
        Assert.Contains("compute/zone", settings.ZoneSource);

        env.Set(GcloudConfiguration.ActiveConfigVariable, "default");
        var overridden = GceSettings.Resolve(zone: "us-east1-b");
        Assert.Equal("default-project", overridden.Project);
        Assert.Equal("us-east1", overridden.Region);
    }

    [Fact]
    public void Without_active_config_the_configuration_is_default()
    {
        using var env = new EnvironmentScope();
        WriteConfig(env, "default", "[core]\nproject = p1\n[compute]\nzone = us-west1-a\n", active: false);

        var config = GcloudConfiguration.Load();
        Assert.Equal("default", config.Name);
        Assert.Equal("p1", config.Get("core/project"));
        Assert.Equal(("p1", "us-west1-a"), (GceSettings.Resolve().Project, GceSettings.Resolve().Zone));
    }

    [Fact]
    public void A_missing_project_or_zone_says_which_parameter_or_setting_to_give()
    {
        using var env = new EnvironmentScope();

        var noProject = Assert.Throws<GceConfigurationException>(() => GceSettings.Resolve(zone: "us-central1-a"));
        Assert.Contains("-Project", noProject.Message);
        Assert.Contains(GceSettings.ProjectVariable, noProject.Message);
        Assert.Contains("gcloud config set project", noProject.Message);

        var noZone = Assert.Throws<GceConfigurationException>(() => GceSettings.Resolve(project: "p"));
        Assert.Contains("-Zone", noZone.Message);
        Assert.Contains(GceSettings.ZoneVariable, noZone.Message);
        Assert.Contains("gcloud config set compute/zone", noZone.Message);

        var badZone = Assert.Throws<GceConfigurationException>(() => GceSettings.Resolve("p", "uscentral1"));
        Assert.Contains("not a Compute Engine zone", badZone.Message);
    }

    [Fact]
    public void The_project_and_the_zone_are_each_found_without_the_other()
    {
        using var env = new EnvironmentScope();
        env.Set(GceSettings.ProjectVariable, "p");
        env.Set(GceSettings.ZoneVariable, "uscentral1"); // not a zone: no matter for the project
        Assert.Equal("p", GceSettings.ResolveProject(null));
        Assert.Equal("given", GceSettings.ResolveProject("given"));

        env.Set(GceSettings.ProjectVariable, null);
        env.Set(GceSettings.ZoneVariable, "europe-west4-b");
        Assert.Equal("europe-west4-b", GceSettings.ConfiguredZone());
        Assert.Contains("CLOUDSDK_CORE_PROJECT", Assert.Throws<GceConfigurationException>(() => GceSettings.ResolveProject(null)).Message);

        env.Set(GceSettings.ZoneVariable, null);
        Assert.Null(GceSettings.ConfiguredZone());
    }

    [Fact]
    public void The_zone_may_be_left_out_when_not_required()
    {
        using var env = new EnvironmentScope();
        WriteConfig(env, "default", "[core]\nproject = p\n[compute]\nregion = europe-west4\n");

        var settings = GceSettings.Resolve(null, null, requireZone: false);

        Assert.Null(settings.Zone);
        Assert.Equal("europe-west4", settings.Region);
        env.Set(GceSettings.RegionVariable, "us-east4");
        Assert.Equal("us-east4", GceSettings.Resolve(null, null, requireZone: false).Region);
    }

    [Theory]
    [InlineData("us-central1-b", "us-central1")]
    [InlineData("europe-west12-a", "europe-west12")]
    [InlineData("northamerica-northeast1-c", "northamerica-northeast1")]
    [InlineData("us-central1", null)]
    [InlineData("zone", null)]
    [InlineData("us-central1-", null)]
    [InlineData("", null)]
    public void Region_of_a_zone(string zone, string? region) => Assert.Equal(region, GceSettings.RegionOf(zone));
}
