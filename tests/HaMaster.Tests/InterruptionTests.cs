using HaMaster.Local.Processes;
using HaMaster.TestSupport;

namespace HaMaster.Tests;

/// <summary>Safety rules 1 and 9 across processes: a lock per cluster, and interrupted changes finished or rolled back.</summary>
public sealed class InterruptionTests : IDisposable
{
    private readonly PowerShellSession _ps = new();

    [Fact]
    public void A_killed_add_between_member_add_and_start_is_rolled_back_by_the_next_command()
    {
        _ps.Run("New-HaCluster -Name cut", throwOnError: true);
        using (var runner = new RunnerProcess(_ps.Home, "Add-MasterReplica -Cluster cut", new Dictionary<string, string> { ["HAMASTER_DRILL_PAUSE"] = "start:600" }))
        {
            Eventually.Holds("the add to reach its start step", () => PendingStep("cut") == "start", TimeSpan.FromSeconds(60));
            runner.Kill();
            runner.WaitForExit(TimeSpan.FromSeconds(30));
        }
        var joiningRecord = ClusterStateFile.Read(_ps.Home, "cut").GetProperty("replicas").EnumerateArray().Single(r => r.GetProperty("phase").GetString() == "Joining");
        var joining = joiningRecord.GetProperty("name").GetString()!;
        var joiningCreatedAt = joiningRecord.GetProperty("createdAt").GetDateTimeOffset();
        var members = _ps.Get<EtcdMember>("Get-EtcdMember cut");
        Assert.Contains(members, m => m.Name == "" && !m.Healthy);   // the orphan learner etcd knows about
        Assert.Equal("Joining", _ps.Get<MasterReplica>("Get-MasterReplica cut").Single(r => r.Name == joining).Status);

        var result = _ps.Run("Add-MasterReplica -Cluster cut", throwOnError: true);
        Assert.Contains(result.Warnings, w => w.Contains("interrupted AddReplica"));
        var added = Assert.Single(result.Output.OfType<MasterReplica>());
        var replicas = _ps.Get<MasterReplica>("Get-MasterReplica cut");
        Assert.Equal(2, replicas.Count);
        // The new replica may draw the rolled-back one's name again (3 random hex digits): identity is name and creation time.
        Assert.DoesNotContain(replicas, r => r.Name == joining && r.CreatedAt == joiningCreatedAt);
        Assert.All(_ps.Get<EtcdMember>("Get-EtcdMember cut"), m => Assert.True(m.Healthy && !m.IsLearner));
        if (added.Name != joining)
        {
            Assert.Empty(DetachedProcess.FindByMarker(Path.Combine(_ps.Home, "clusters", "cut", "replicas", joining)));
            Assert.False(Directory.Exists(Path.Combine(_ps.Home, "clusters", "cut", "replicas", joining)));
        }
    }

    [Fact]
    public void A_create_killed_in_its_certificates_step_is_shown_as_such_and_rolled_back_by_the_next_create_of_that_name()
    {
        KillCreateInCertificatesStep("nc");
        foreach (var look in new[] { "Get-HaCluster nc", "Get-MasterReplica -Cluster nc", "Get-HaCertificate -Cluster nc" })
        {
            var shown = _ps.Run(look).SingleError();
            Assert.StartsWith("ClusterIncomplete,", shown.FullyQualifiedErrorId);
            Assert.Contains("cut short in its 'certificates' step", shown.Exception.Message);
            Assert.Contains("run New-HaCluster -Name nc again", shown.ErrorDetails!.RecommendedAction);
        }
        Assert.Empty(_ps.Run("New-HaCluster -Name nc -WhatIf").Errors);

        var result = _ps.Run("New-HaCluster -Name nc", throwOnError: true);

        Assert.Contains(result.Warnings, w => w.Contains("interrupted CreateCluster"));
        Assert.Equal("Healthy", Assert.Single(result.Output.OfType<HaCluster>()).Status);
    }

    [Fact]
    public void A_repair_killed_after_its_removal_is_finished_by_the_next_command_with_a_replacement()
    {
        var replicas = _ps.Get<MasterReplica>("New-HaCluster -Name rk | Add-MasterReplica | Get-MasterReplica");
        var repaired = replicas[1].Name;
        using (var runner = new RunnerProcess(_ps.Home, $"Repair-MasterReplica -Cluster rk -Name {repaired} -Force", new Dictionary<string, string> { ["HAMASTER_DRILL_PAUSE"] = "start:600" }))
        {
            Eventually.Holds("the replacement's add to reach its start step", () => PendingStep("rk") == "start", TimeSpan.FromSeconds(90));
            runner.Kill();
            runner.WaitForExit(TimeSpan.FromSeconds(30));
        }

        var next = _ps.Run($"Start-MasterReplica -Cluster rk -Name {replicas[0].Name}", throwOnError: true);
        Assert.Contains(next.Warnings, w => w.Contains($"interrupted RepairReplica of {repaired}"));
        Assert.Contains(next.Warnings, w => w.Contains($"The interrupted repair of '{repaired}' was finished: its replacement"));
        var after = _ps.Get<MasterReplica>("Get-MasterReplica rk");
        Assert.Equal(2, after.Count);
        Assert.DoesNotContain(after, r => r.Name == repaired && r.CreatedAt == replicas[1].CreatedAt);
        Assert.All(after, r => Assert.True(r.Healthy, string.Join("; ", r.Problems)));
    }

    [Fact]
    public void A_create_killed_in_its_certificates_step_is_removed_by_Remove_HaCluster()
    {
        KillCreateInCertificatesStep("nr");
        _ps.Run("Remove-HaCluster -Name nr -Force", throwOnError: true);
        Assert.Empty(_ps.Get<HaCluster>("Get-HaCluster"));
        Assert.False(Directory.Exists(Path.Combine(_ps.Home, "clusters", "nr")));
        Assert.Empty(DetachedProcess.FindByMarker(Path.Combine(_ps.Home, "clusters", "nr") + "/"));
    }

    private void KillCreateInCertificatesStep(string cluster)
    {
        using var runner = new RunnerProcess(_ps.Home, $"New-HaCluster -Name {cluster}", new Dictionary<string, string> { ["HAMASTER_DRILL_PAUSE"] = "certificates:600" });
        Eventually.Holds("the create to reach its certificates step", () => PendingStep(cluster) == "certificates", TimeSpan.FromSeconds(60));
        runner.Kill();
        runner.WaitForExit(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public void Two_processes_changing_one_cluster_are_serialized()
    {
        _ps.Run("New-HaCluster -Name duo", throwOnError: true);
        var release = Path.Combine(_ps.Home, "release");
        using var first = new RunnerProcess(_ps.Home, "Add-MasterReplica -Cluster duo",
            new Dictionary<string, string> { ["HAMASTER_DRILL_PAUSE"] = "promote:600", ["HAMASTER_DRILL_RELEASE"] = release });
        Eventually.Holds("the first add to hold the lock", () => PendingStep("duo") == "promote", TimeSpan.FromSeconds(60));
        using var second = new RunnerProcess(_ps.Home, "Add-MasterReplica -Cluster duo -Verbose");
        Eventually.Holds("the second add to wait for the lock", () => second.Output.Contains("Waiting for another HaMaster command"), TimeSpan.FromSeconds(60));
        File.WriteAllText(release, "");
        Assert.Equal(0, first.WaitForExit(TimeSpan.FromMinutes(2)));
        Assert.Equal(0, second.WaitForExit(TimeSpan.FromMinutes(2)));
        var members = _ps.Get<EtcdMember>("Get-EtcdMember duo");
        Assert.Equal(3, members.Count);
        Assert.All(members, m => Assert.True(m.Healthy && !m.IsLearner, m.Problem));
    }

    private string? PendingStep(string cluster) => ClusterStateFile.PendingStep(_ps.Home, cluster);

    public void Dispose() => _ps.Dispose();
}
