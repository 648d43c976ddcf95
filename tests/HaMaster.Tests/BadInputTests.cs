namespace HaMaster.Tests;

public sealed class BadInputFixture : IDisposable
{
    public BadInputFixture()
    {
        Session = new PowerShellSession();
        Session.Run("New-HaCluster -Name ok", throwOnError: true);
        Session.Run("New-HaCluster -Name pair | Add-MasterReplica", throwOnError: true);
        var corrupt = Path.Combine(Session.Home, "clusters", "corrupt");
        Directory.CreateDirectory(corrupt);
        File.WriteAllText(Path.Combine(corrupt, "cluster.json"), "{ \"name\": \"corrupt\", \"replicas\": [ ");
    }

    public PowerShellSession Session { get; }

    public void Dispose() => Session.Dispose();
}

/// <summary>Every bad input gets a clear ErrorRecord with a stable id and a recommended action, and changes nothing.</summary>
public sealed class BadInputTests : IClassFixture<BadInputFixture>
{
    private readonly PowerShellSession _ps;

    public BadInputTests(BadInputFixture fixture) => _ps = fixture.Session;

    public static TheoryData<string, string> Cases => new()
    {
        { "New-HaCluster -Name Bad_Name", "InvalidClusterName" },
        { "New-HaCluster -Name 1abc", "InvalidClusterName" },
        { "New-HaCluster -Name ends-", "InvalidClusterName" },
        { $"New-HaCluster -Name {new string('a', 51)}", "InvalidClusterName" },
        { "New-HaCluster -Name fresh -Zone nowhere", "UnknownZone" },
        { "New-HaCluster -Name fresh -Project my-project", "ProviderParameterNotSupported" },
        { "New-HaCluster -Name fresh -Provider Gce", "UnknownZone" },
        { "New-HaCluster -Name fresh -KubernetesVersion v1.34.1", "ProviderParameterNotSupported" },
        { "New-HaCluster -Name fresh -Access Internal", "ProviderParameterNotSupported" },
        { "New-HaCluster -Name fresh -Provider Gce -Access Somewhere", "ParameterArgumentValidationError" },
        { "New-HaCluster -Name fresh -Provider Gce -Project p -Zone us-central1-a -KubernetesVersion 1.34", "InvalidProviderSetting" },
        { "New-HaCluster -Name fresh -Provider Gce -Project p -Zone us-central1-a -SubnetRange 10.0.0.0", "InvalidProviderSetting" },
        { "New-HaCluster -Name fresh -Provider Gce -Project p -Zone us-central1-a -MachineType E2_Standard", "InvalidProviderSetting" },
        { "New-HaCluster -Name ok", "ClusterExists" },
        { "Get-HaCluster -Name nope", "ClusterNotFound" },
        { "Get-MasterReplica -Cluster nope", "ClusterNotFound" },
        { "Get-EtcdMember -Cluster nope", "ClusterNotFound" },
        { "Add-MasterReplica -Cluster nope", "ClusterNotFound" },
        { "Add-MasterReplica -Cluster ../../etc", "InvalidClusterName" },
        { "Add-MasterReplica -Cluster ok -Zone nowhere", "UnknownZone" },
        { "Add-MasterReplica -Cluster ok -Zone local-b", "ZoneRequiresMultiZone" },
        { "Add-MasterReplica -Cluster ok -Count 0", "ParameterArgumentValidationError" },
        { "Add-MasterReplica -Cluster ok -Count 9", "ParameterArgumentValidationError" },
        { "Add-MasterReplica -Cluster pair -Count 6", "ReplicaLimitReached" },
        { "Backup-HaCluster -Cluster nope", "ClusterNotFound" },
        { "Backup-HaCluster -Cluster nope -Path /tmp/hamaster-never-created", "ClusterNotFound" },
        { "Backup-HaCluster -Cluster ok -Path /proc/hamaster-backups", "BackupPathNotWritable" },
        { "Get-HaClusterBackup -Cluster nope", "ClusterNotFound" },
        { "New-HaCluster -Name fresh -BackupRetention 0", "ParameterArgumentValidationError" },
        { "Remove-MasterReplica -Cluster ok -Name nope", "ReplicaNotFound" },
        { "Repair-MasterReplica -Cluster ok -Name nope", "ReplicaNotFound" },
        { "Stop-MasterReplica -Cluster ok -Name nope", "ReplicaNotFound" },
        { "Start-MasterReplica -Cluster nope -Name ok-master", "ClusterNotFound" },
        { "Remove-HaCluster -Name nope -Force", "ClusterNotFound" },
        { "Remove-MasterReplica -Cluster ok -Name ok-master", "LastReplica" },
        { "Update-HaCluster -Cluster nope -Rollout", "ClusterNotFound" },
        { "Update-HaCluster -Cluster ok -KubernetesVersion v1.35.0", "ProviderParameterNotSupported" },
        { "Update-HaCluster -Cluster pair -EtcdVersion v3.5.21 -Rollout", "ProviderParameterNotSupported" },
        { "Update-HaCluster -Cluster ok -MachineType e2-standard-4", "ProviderParameterNotSupported" },
        { "Get-MasterReplica -Cluster corrupt", "StateCorrupt" },
        { "Add-MasterReplica -Cluster corrupt", "StateCorrupt" },
        { "Remove-HaCluster -Name corrupt -Confirm:$false", "StateCorrupt" },
        { "New-HaCluster -Name fresh -Provider Azure", "CannotConvertArgumentNoMessage" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Bad_input_is_refused_clearly_and_changes_nothing(string script, string errorId)
    {
        var before = Snapshot();
        var error = _ps.Run(script).SingleError();
        Assert.StartsWith(errorId + ",", error.FullyQualifiedErrorId);
        if (error.Exception is HaMaster.Engine.Errors.HaException)
        {
            Assert.False(string.IsNullOrWhiteSpace(error.ErrorDetails?.Message));
            Assert.False(string.IsNullOrWhiteSpace(error.ErrorDetails?.RecommendedAction));
            Assert.NotNull(error.TargetObject);
            Assert.NotEqual(System.Management.Automation.ErrorCategory.NotSpecified, error.CategoryInfo.Category);
            Assert.DoesNotContain("One or more errors occurred", error.ErrorDetails!.Message);
        }
        Assert.Equal(before, Snapshot());
    }

    /// <summary>Every file of the state folder with its content (process ids and logs excluded: they live).</summary>
    private string Snapshot() => string.Join("\n", Directory.GetFiles(_ps.Home, "*", SearchOption.AllDirectories)
        .Where(f => !f.EndsWith(".log", StringComparison.Ordinal) && !f.Contains("etcd-data") && !f.EndsWith(".lock", StringComparison.Ordinal))
        .OrderBy(f => f, StringComparer.Ordinal)
        .Select(f => f + "=" + (f.EndsWith(".json", StringComparison.Ordinal) ? File.ReadAllText(f) : new FileInfo(f).Length.ToString())));
}
