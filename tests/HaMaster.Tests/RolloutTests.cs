using HaMaster.Engine.Etcd;
using HaMaster.Engine.Pki;
using HaMaster.Local.Processes;
using HaMaster.TestSupport;

namespace HaMaster.Tests;

/// <summary>
/// Update-HaCluster -Rollout on real clusters (docs/design.md §10.4): every replica replaced while the
/// cluster address and etcd keep answering, and a rollout killed half-way finished by the next command.
/// </summary>
public sealed class RolloutTests : IDisposable
{
    private readonly PowerShellSession _ps = new();

    private string Pki(string cluster) => Path.Combine(_ps.Home, "clusters", cluster, "pki");

    [Fact]
    public async Task A_rollout_replaces_every_replica_while_no_probe_or_write_fails_and_the_voters_never_drop()
    {
        _ps.Run("New-HaCluster -Name ru | Add-MasterReplica -Count 2", throwOnError: true);
        var before = _ps.Get<MasterReplica>("Get-MasterReplica ru");
        var cluster = Assert.Single(_ps.Get<HaCluster>("Get-HaCluster ru"));
        var endpoints = before.Select(r => $"https://{r.InternalAddress}:2379").ToList();
        using var etcd = new EtcdGateway(new ClusterPki(Pki("ru")).LoadEtcdCredentials()) { RequestTimeout = TimeSpan.FromSeconds(1) };
        for (var i = 0; i < 20; i++) await etcd.PutAsync(endpoints[0], $"/kept/{i:D2}", $"value {i}", CancellationToken.None);
        Assert.Empty(_ps.Run("Update-HaCluster ru -Rollout -WhatIf", throwOnError: true).Output);
        Assert.Contains($"What if: Performing the operation \"Replace every replica, one at a time, each new one served before an old one goes: {string.Join(", ", before.Select(r => r.Name))}\" on target \"ru\"", _ps.HostOutput);
        Assert.Equal(before.Select(r => r.Name), _ps.Get<MasterReplica>("Get-MasterReplica ru").Select(r => r.Name));

        using var stop = new CancellationTokenSource();
        var probing = AvailabilityClient.ProbeAsync(cluster.Endpoint, Pki("ru"), stop.Token);
        var writing = AvailabilityClient.WriteAsync(endpoints, Pki("ru"), "/rollout/", stop.Token);
        var voters = FewestAnsweringVotersAsync(etcd, endpoints, stop.Token);
        var after = _ps.Get<MasterReplica>("Update-HaCluster -Cluster ru -Rollout -Confirm:$false");
        await Task.Delay(500); // a last few probes and writes against the new replicas
        stop.Cancel();
        var (probes, failedProbes) = await probing;
        var (written, failedWrites) = await writing;

        Assert.True(probes > 20 && written.Count > 20, $"{probes} probes, {written.Count} writes");
        Assert.Empty(failedProbes);
        Assert.Empty(failedWrites);
        Assert.True(await voters >= 3, $"at one moment only {await voters} voters answered");
        Assert.Equal(3, after.Count);
        Assert.DoesNotContain(after, r => before.Any(b => b.Name == r.Name && b.CreatedAt == r.CreatedAt));
        Assert.Equal(before.Select(r => r.Zone).Order(), after.Select(r => r.Zone).Order());
        Assert.All(after, r => Assert.True(r.Healthy, string.Join("; ", r.Problems)));
        foreach (var old in before.Where(b => after.All(a => a.Name != b.Name)))
            Assert.False(Directory.Exists(Path.Combine(Pki("ru"), "replicas", old.Name)), $"the keys of {old.Name} are still there");
        var newEndpoint = $"https://{after[0].InternalAddress}:2379";
        for (var i = 0; i < 20; i++) Assert.Equal($"value {i}", await etcd.GetAsync(newEndpoint, $"/kept/{i:D2}", CancellationToken.None));
        foreach (var key in written.Take(50)) Assert.Equal(key, await etcd.GetAsync(newEndpoint, key, CancellationToken.None));
    }

    [Fact]
    public void A_rollout_killed_after_its_second_replacement_is_finished_by_the_next_command_leaving_nothing_behind()
    {
        _ps.Run("New-HaCluster -Name rk | Add-MasterReplica -Count 2", throwOnError: true);
        var before = _ps.Get<MasterReplica>("Get-MasterReplica rk");
        int StillOld() => ClusterStateFile.Read(_ps.Home, "rk").GetProperty("replicas").EnumerateArray()
            .Count(r => before.Any(b => b.Name == r.GetProperty("name").GetString() && b.CreatedAt == r.GetProperty("createdAt").GetDateTimeOffset()));
        using (var runner = new RunnerProcess(_ps.Home, "Update-HaCluster -Cluster rk -Rollout -Confirm:$false"))
        {
            Eventually.Holds("two replicas replaced", () => StillOld() == 1, TimeSpan.FromMinutes(2));
            runner.Kill();
            runner.WaitForExit(TimeSpan.FromSeconds(30));
        }

        var next = _ps.Run("Backup-HaCluster -Cluster rk", throwOnError: true);

        Assert.Contains(next.Warnings, w => w.Contains("interrupted Rollout", StringComparison.Ordinal));
        Assert.Equal(0, StillOld());
        var replicas = _ps.Get<MasterReplica>("Get-MasterReplica rk");
        Assert.Equal(3, replicas.Count);
        Assert.All(replicas, r => Assert.True(r.Healthy, string.Join("; ", r.Problems)));
        var members = _ps.Get<EtcdMember>("Get-EtcdMember rk");
        Assert.Equal(replicas.Select(r => r.Name).Order(), members.Select(m => m.Name).Order());
        Assert.All(members, m => Assert.True(m.Healthy && !m.IsLearner, m.Problem));
        var folders = Directory.GetDirectories(Path.Combine(_ps.Home, "clusters", "rk", "replicas")).Select(Path.GetFileName).Order();
        Assert.Equal(replicas.Select(r => r.Name).Order(), folders);
        foreach (var old in before.Where(b => replicas.All(r => r.Name != b.Name)))
            Assert.Empty(DetachedProcess.FindByMarker(Path.Combine(_ps.Home, "clusters", "rk", "replicas", old.Name) + Path.DirectorySeparatorChar));
    }

    /// <summary>Every 100 ms, how many etcd voters answer their own status; returns the fewest seen.</summary>
    private static async Task<int> FewestAnsweringVotersAsync(EtcdGateway etcd, List<string> endpoints, CancellationToken stop)
    {
        var fewest = int.MaxValue;
        var known = endpoints.ToList();
        while (!stop.IsCancellationRequested)
        {
            IReadOnlyList<EtcdMemberInfo>? members = null;
            foreach (var endpoint in known)
            {
                try
                {
                    members = await etcd.ListMembersAsync(endpoint, CancellationToken.None);
                    break;
                }
                catch (EtcdRequestException)
                {
                }
            }
            if (members is not null)
            {
                known = members.SelectMany(m => m.ClientUrls).Concat(known).Distinct().ToList();
                var answering = 0;
                foreach (var voter in members.Where(m => !m.IsLearner && m.ClientUrls.Count > 0))
                {
                    try
                    {
                        await etcd.StatusAsync(voter.ClientUrls[0], CancellationToken.None);
                        answering++;
                    }
                    catch (EtcdRequestException)
                    {
                    }
                }
                fewest = Math.Min(fewest, answering);
            }
            await Task.Delay(100, CancellationToken.None);
        }
        return fewest;
    }

    public void Dispose() => _ps.Dispose();
}
