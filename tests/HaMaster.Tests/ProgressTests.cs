using System.Management.Automation;

namespace HaMaster.Tests;

/// <summary>Long operations report a parent activity, child steps, percentages and Completed records.</summary>
public sealed class ProgressTests : IDisposable
{
    private readonly PowerShellSession _ps = new();

    [Fact]
    public void Add_reports_the_operation_as_a_parent_and_its_steps_as_a_child()
    {
        _ps.Run("New-HaCluster -Name prog", throwOnError: true);

        var progress = _ps.Run("Add-MasterReplica -Cluster prog", throwOnError: true).Progress;

        var parent = progress.Where(p => p.ParentActivityId == -1).ToList();
        Assert.All(parent, p => Assert.Equal("Add-MasterReplica prog", p.Activity));
        var parentId = parent[0].ActivityId;
        var backup = progress.Where(p => p.ParentActivityId == parentId && p.Activity == "Back up prog").ToList();
        var child = progress.Where(p => p.ParentActivityId == parentId && p.Activity == "Add replica to prog").ToList();
        Assert.NotEmpty(backup);
        Assert.NotEmpty(child);
        Assert.Equal(backup.Count + child.Count, progress.Count(p => p.ParentActivityId == parentId));

        AssertStatusesInOrder(parent, "Waiting for the cluster lock", "Checking health and quorum", "Back up prog", "Add replica to prog");
        AssertStatusesInOrder(backup, "Stream the snapshot and check its integrity hash", "Record the backup beside its snapshot");
        AssertPercentagesRiseToCompletion(backup);
        Assert.True(progress.IndexOf(backup[^1]) < progress.IndexOf(child[0]), "the backup completes before the add begins");
        AssertStatusesInOrder(child,
            "Add its etcd member as a learner", "Start its etcd member and API endpoint",
            "Promote the learner once it has caught up", "Put it behind the cluster address");
        AssertPercentagesRiseToCompletion(parent);
        AssertPercentagesRiseToCompletion(child);
        Assert.True(progress.IndexOf(child[^1]) < progress.IndexOf(parent[^1]), "the child completes before its parent");
    }

    [Fact]
    public void Each_long_operation_reports_progress_and_completes_it()
    {
        _ps.Run("New-HaCluster -Name each | Add-MasterReplica", throwOnError: true);
        var second = _ps.Get<MasterReplica>("Get-MasterReplica each")[1].Name;
        foreach (var command in new[]
        {
            $"Stop-MasterReplica -Cluster each -Name {second} -Force",
            $"Start-MasterReplica -Cluster each -Name {second}",
            $"Repair-MasterReplica -Cluster each -Name {second} -Force",
            "Remove-HaCluster each -Confirm:$false",
        })
        {
            var progress = _ps.Run(command, throwOnError: true).Progress;
            var top = progress.Where(p => p.ParentActivityId == -1).ToList();
            Assert.True(top.Count >= 2, $"{command}: no progress");
            Assert.StartsWith(command.Split(' ')[0], top[0].Activity);
            AssertPercentagesRiseToCompletion(top);
        }
    }

    private static void AssertStatusesInOrder(List<ProgressRecord> records, params string[] statuses)
    {
        var seen = records.Select(r => r.StatusDescription).ToList();
        var positions = statuses.Select(s => seen.IndexOf(s)).ToList();
        Assert.DoesNotContain(-1, positions);
        Assert.Equal(positions.Order(), positions);
    }

    private static void AssertPercentagesRiseToCompletion(List<ProgressRecord> records)
    {
        var percents = records.Select(r => r.PercentComplete).ToList();
        Assert.All(percents, p => Assert.InRange(p, 0, 100));
        Assert.Equal(percents.Order(), percents);
        Assert.Equal(ProgressRecordType.Completed, records[^1].RecordType);
        Assert.Equal(1, records.Count(r => r.RecordType == ProgressRecordType.Completed));
    }

    public void Dispose() => _ps.Dispose();
}
