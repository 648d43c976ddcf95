namespace HaMaster.Tests;

/// <summary>
/// Certificate validity and expiry on a real cluster (docs/design.md §10.3): New-HaCluster
/// -CertificateValidity is used for every leaf, also of replicas added later; Get-HaCertificate lists
/// them; a leaf within 30 days of its expiry is a problem of the cluster that names the command,
/// while the replicas stay Healthy.
/// </summary>
public sealed class CertificateTests : IDisposable
{
    private readonly PowerShellSession _ps = new();

    [Fact]
    public void Leaves_last_the_recorded_validity_and_one_near_its_expiry_is_a_problem_of_the_cluster_only()
    {
        _ps.Run("New-HaCluster -Name ce -CertificateValidity 20.00:00:00 | Add-MasterReplica; New-HaCluster -Name fresh", throwOnError: true);
        var now = DateTimeOffset.UtcNow;

        var certificates = _ps.Get<HaCertificate>("Get-HaCertificate ce");
        Assert.Equal(["ClusterCa", "EtcdCa", "EtcdClient", "ApiServer", "EtcdMember", "ApiServer", "EtcdMember"], certificates.Select(c => c.Usage));
        Assert.All(certificates.Where(c => c.Usage is not ("ClusterCa" or "EtcdCa")), c =>
            Assert.InRange(c.NotAfter, now.AddDays(20).AddMinutes(-5), now.AddDays(20).AddMinutes(1)));
        Assert.All(certificates.Where(c => c.Usage is "ClusterCa" or "EtcdCa"), c => Assert.True(c.NotAfter > now.AddYears(9)));
        var replicas = _ps.Get<MasterReplica>("Get-MasterReplica ce");
        Assert.Equal(replicas.Select(r => r.Name), certificates.Where(c => c.Usage == "ApiServer").Select(c => c.Replica));
        var api = certificates.First(c => c.Usage == "ApiServer");
        Assert.Contains(replicas[0].InternalAddress, api.IPAddresses);
        Assert.Contains("kubernetes.default.svc", api.DnsNames);
        Assert.Equal([replicas[1].Name, replicas[1].Name], _ps.Get<HaCertificate>($"Get-HaCertificate ce -Replica {replicas[1].Name}").Select(c => c.Replica));

        var cluster = Assert.Single(_ps.Get<HaCluster>("Get-HaCluster ce"));
        Assert.Equal("Degraded", cluster.Status);
        var problem = Assert.Single(cluster.Problems);
        Assert.Contains("expires at", problem);
        Assert.Contains("in 20 days", problem);
        Assert.EndsWith("renew with Update-HaCertificate -Cluster ce", problem);
        Assert.InRange(cluster.CertificatesExpireAt!.Value, now.AddDays(20).AddMinutes(-5), now.AddDays(20).AddMinutes(1));
        Assert.All(replicas, r => Assert.True(r.Healthy, string.Join("; ", r.Problems)));

        var fresh = Assert.Single(_ps.Get<HaCluster>("Get-HaCluster fresh"));
        Assert.Equal("Healthy", fresh.Status);
        Assert.InRange(fresh.CertificatesExpireAt!.Value, now.AddDays(365).AddMinutes(-5), now.AddDays(365).AddMinutes(1));
    }

    [Fact]
    public void A_validity_that_is_not_positive_or_outlives_the_authorities_and_an_unknown_replica_are_refused()
    {
        foreach (var validity in new[] { "0", "-1.00:00:00", "3651.00:00:00" })
        {
            var error = _ps.Run($"New-HaCluster -Name cv -CertificateValidity {validity}").SingleError();
            Assert.StartsWith("InvalidCertificateValidity,", error.FullyQualifiedErrorId);
            Assert.Contains("-CertificateValidity", error.ErrorDetails.RecommendedAction);
        }
        Assert.Empty(_ps.Run("Get-HaCluster", throwOnError: true).Output);
        Assert.False(Directory.Exists(Path.Combine(_ps.Home, "clusters", "cv")));

        _ps.Run("New-HaCluster -Name cr", throwOnError: true);
        Assert.StartsWith("ReplicaNotFound,", _ps.Run("Get-HaCertificate cr -Replica cr-master-zzz").SingleError().FullyQualifiedErrorId);
        Assert.StartsWith("ClusterNotFound,", _ps.Run("Get-HaCertificate nope").SingleError().FullyQualifiedErrorId);
    }

    [Fact]
    public void A_lost_leaf_key_is_issued_anew_as_its_error_says_and_a_lost_authority_asks_for_a_copy()
    {
        _ps.Run("New-HaCluster -Name lk", throwOnError: true);
        var pki = Path.Combine(_ps.Home, "clusters", "lk", "pki");
        File.Delete(Path.Combine(pki, "etcd-client.key"));

        var leaf = _ps.Run("Get-HaCluster lk").SingleError();
        Assert.StartsWith("StateCorrupt,", leaf.FullyQualifiedErrorId);
        Assert.Contains("etcd-client.key", leaf.Exception.Message);
        Assert.StartsWith("Issue every leaf certificate anew from the cluster's authorities with Update-HaCertificate -Cluster lk -Force", leaf.ErrorDetails!.RecommendedAction);
        _ps.Run("Update-HaCertificate -Cluster lk -Force -Confirm:$false", throwOnError: true);
        Assert.Equal("Healthy", Assert.Single(_ps.Get<HaCluster>("Get-HaCluster lk")).Status);

        File.Move(Path.Combine(pki, "etcd-ca.crt"), Path.Combine(pki, "etcd-ca.crt.moved"));
        var authority = _ps.Run("Get-HaCluster lk").SingleError();
        Assert.StartsWith("StateCorrupt,", authority.FullyQualifiedErrorId);
        Assert.StartsWith("Restore the cluster's pki folder from a copy", authority.ErrorDetails!.RecommendedAction);
        // A state no command can read any more is removed (processes and address reservation) only with -Force.
        _ps.Run("Remove-HaCluster lk -Force -Confirm:$false", throwOnError: true);
    }

    public void Dispose() => _ps.Dispose();
}
