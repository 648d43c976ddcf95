using System.Management.Automation;
using HaMaster.Gce.Compute;
using HaMaster.Gce.Tests.Compute;
using HaMaster.Runner;
using Xunit;

namespace HaMaster.Gce.Tests;

/// <summary>
/// Gce failures as a user sees them: an error id that says what happened (docs/errors.md), its
/// category, and a recommended action that says what to do. Nothing is left behind.
/// </summary>
[Collection(ProcessEnvironmentCollection.Name)]
public sealed class GceErrorTests
{
    [Theory]
    [InlineData("-Zone us-central1-a", null)]
    [InlineData("", "us-central1-a")] // the zone from gcloud's settings, which name no project
    public void No_project_anywhere_is_CloudProjectMissing_and_says_where_to_give_one(string zoneParameter, string? configuredZone)
    {
        using var env = new EnvironmentScope();
        env.Set(GceSettings.ZoneVariable, configuredZone);

        var error = NewClusterError(env, $"New-HaCluster -Name np -Provider Gce {zoneParameter}");

        Assert.StartsWith("CloudProjectMissing,", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
        Assert.Contains("-Project", error.ErrorDetails.RecommendedAction);
        Assert.Contains(GceSettings.ProjectVariable, error.ErrorDetails.RecommendedAction);
        Assert.Contains("gcloud config set project", error.ErrorDetails.RecommendedAction);
    }

    [Fact]
    public void No_credentials_anywhere_is_CloudCredentialsMissing_and_says_how_to_log_in()
    {
        using var env = new EnvironmentScope();
        env.Set("GCE_METADATA_HOST", "127.0.0.1:9"); // no metadata server: a port nothing listens on answers at once

        var error = NewClusterError(env, "New-HaCluster -Name nc -Provider Gce -Project hamaster-test -Zone us-central1-a");

        Assert.StartsWith("CloudCredentialsMissing,", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.AuthenticationError, error.CategoryInfo.Category);
        Assert.Contains("gcloud auth application-default login", error.ErrorDetails.RecommendedAction);
        Assert.Contains(ComputeCredentials.CredentialsFileVariable, error.ErrorDetails.RecommendedAction);
    }

    [Fact]
    public async Task A_quota_Compute_Engine_refuses_is_CloudApiFailed_and_says_to_raise_it()
    {
        await using var cloud = await GceTestCloud.StartAsync();
        cloud.StandIn.FailNextOperation("addresses.insert", "QUOTA_EXCEEDED", "Quota 'STATIC_ADDRESSES' exceeded.  Limit: 0.0 in region us-central1.");

        var error = Assert.Single(cloud.Try(cloud.NewCluster("qa")).Errors);

        Assert.StartsWith("CloudApiFailed,", error.FullyQualifiedErrorId);
        Assert.Contains("STATIC_ADDRESSES", error.ErrorDetails.Message);
        Assert.Contains("quota", error.ErrorDetails.RecommendedAction);
        Assert.Contains("Run the command again", error.ErrorDetails.RecommendedAction);
        Assert.Empty(cloud.StandIn.Inventory());
        Assert.Empty(cloud.Run("Get-HaCluster"));
    }

    [Fact]
    public async Task A_permission_Compute_Engine_denies_is_CloudApiFailed_and_names_the_role()
    {
        await using var cloud = await GceTestCloud.StartAsync();
        cloud.StandIn.FailNextRequest("firewalls.insert", 403, "forbidden",
            $"Required 'compute.firewalls.create' permission for 'projects/{GceTestCloud.Project}/global/firewalls/pd-master-https'");

        var error = Assert.Single(cloud.Try(cloud.NewCluster("pd")).Errors);

        Assert.StartsWith("CloudApiFailed,", error.FullyQualifiedErrorId);
        Assert.Contains("compute.firewalls.create", error.ErrorDetails.Message);
        Assert.Contains("roles/compute.admin", error.ErrorDetails.RecommendedAction);
        Assert.Empty(cloud.StandIn.Inventory());
    }

    /// <summary>Runs a New-HaCluster that must fail, in a module session on a fresh state folder; checks that nothing was made.</summary>
    private static ErrorRecord NewClusterError(EnvironmentScope env, string script)
    {
        var home = Path.Combine(env.Folder, "hamaster");
        Directory.CreateDirectory(home);
        using var runspace = ScriptRunner.OpenRunspace(new ConsoleHost(new StringWriter()));
        runspace.SessionStateProxy.SetVariable("HaMasterHome", home);
        using var shell = PowerShell.Create();
        shell.Runspace = runspace;
        shell.AddScript(script);
        var errors = new List<ErrorRecord>();
        try
        {
            shell.Invoke();
        }
        catch (RuntimeException e)
        {
            errors.Add(e.ErrorRecord);
        }
        errors.AddRange(shell.Streams.Error);
        var error = Assert.Single(errors);
        Assert.False(string.IsNullOrWhiteSpace(error.ErrorDetails?.RecommendedAction), GceTestCloud.Describe(error));
        Assert.Empty(Directory.EnumerateFiles(home, "cluster.json", SearchOption.AllDirectories));
        return error;
    }
}
