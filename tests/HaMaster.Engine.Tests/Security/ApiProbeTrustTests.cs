using System.Net;
using HaMaster.Engine.Certificates;
using HaMaster.Engine.Health;
using HaMaster.Engine.Model;
using HaMaster.Engine.Pki;
using HaMaster.TestSupport;
using Xunit;

namespace HaMaster.Engine.Tests.Security;

/// <summary>
/// Safety rule 11 for the module's API client (<see cref="ApiProbe"/>): an API endpoint counts as ready
/// only when its certificate comes from the cluster CA and names the address the module connected to.
/// The endpoints are real HaMaster.Endpoint processes next to a real etcd member.
/// </summary>
/// <remarks>
/// The third TLS client of rule 11, the load balancer's health check, is covered where HAProxy is run
/// with the product's configuration: <c>HaproxyLoadBalancerTrafficTests.BackendsWhoseCertificateDoesNotVerify_AreDown</c>
/// (a backend with a certificate of a foreign CA, and one with a certificate naming another replica, are Down).
/// </remarks>
[Collection(SecurityCollection.Name)]
public sealed class ApiProbeTrustTests : IAsyncLifetime
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan ReadyDeadline = TimeSpan.FromSeconds(60);

    private readonly SecurityBed bed = new();
    private ProductEtcd etcd = null!;
    private ReplicaCertificateFiles etcdFiles = null!;

    public async Task InitializeAsync()
    {
        etcd = bed.Etcd("etcd", LoopbackAddresses.Security.Next());
        etcdFiles = etcd.StartGenuine(etcd.Founding);
        using var module = bed.ModuleEtcdClient();
        await etcd.WaitAnswersAsync(module);
    }

    [Fact]
    public async Task The_api_probe_reports_ready_for_an_endpoint_with_the_cluster_certificate_for_its_address()
    {
        var address = LoopbackAddresses.Security.Next();
        var files = bed.Pki.IssueReplica("genuine", address, bed.ClusterAddress, bed.Now);
        await bed.StartEndpointAsync("genuine", [address], (files.ApiCertificate, files.ApiKey), etcd, etcdFiles);

        using var probe = new ApiProbe(bed.Pki.LoadClusterCa(), ProbeTimeout);
        await WaitReadyAsync(probe, address);
    }

    [Fact]
    public async Task The_api_probe_refuses_an_endpoint_whose_certificate_comes_from_a_foreign_ca()
    {
        var address = LoopbackAddresses.Security.Next();
        var foreign = bed.ForeignPki.IssueReplica("impostor", address, bed.ClusterAddress, bed.Now);
        await bed.StartEndpointAsync("impostor", [address], (foreign.ApiCertificate, foreign.ApiKey), etcd, etcdFiles);

        // The control: a client that trusts the foreign CA finds the endpoint ready, so the refusal below is
        // about trust alone.
        using (var trustingForeign = new ApiProbe(bed.ForeignPki.LoadClusterCa(), ProbeTimeout))
            await WaitReadyAsync(trustingForeign, address);

        using var probe = new ApiProbe(bed.Pki.LoadClusterCa(), ProbeTimeout);
        AssertRefusedForItsCertificate(await probe.ReadyProblemAsync(address.ToString(), Ports.Api, CancellationToken.None));
    }

    [Fact]
    public async Task The_api_probe_refuses_a_cluster_certificate_that_does_not_name_the_address_it_connected_to()
    {
        // One endpoint on two addresses, with a certificate of the cluster CA that names only the second.
        var unnamed = LoopbackAddresses.Security.Next();
        var named = LoopbackAddresses.Security.Next();
        var files = bed.Pki.IssueReplica("elsewhere", named, bed.ClusterAddress, bed.Now);
        await bed.StartEndpointAsync("elsewhere", [unnamed, named], (files.ApiCertificate, files.ApiKey), etcd, etcdFiles);

        using var probe = new ApiProbe(bed.Pki.LoadClusterCa(), ProbeTimeout);
        await WaitReadyAsync(probe, named);
        AssertRefusedForItsCertificate(await probe.ReadyProblemAsync(unnamed.ToString(), Ports.Api, CancellationToken.None));
    }

    [Fact]
    public async Task Through_another_address_the_api_probe_accepts_only_a_certificate_naming_the_replicas_own_address()
    {
        // A replica reached at a public address its certificate does not name (rule 11's one exception):
        // the certificate must still come from the cluster CA and name the replica's internal address.
        var reachedAt = LoopbackAddresses.Security.Next();
        var internalAddress = LoopbackAddresses.Security.Next();
        var files = bed.Pki.IssueReplica("behind-nat", internalAddress, bed.ClusterAddress, bed.Now);
        await bed.StartEndpointAsync("behind-nat", [reachedAt], (files.ApiCertificate, files.ApiKey), etcd, etcdFiles);

        using var probe = new ApiProbe(bed.Pki.LoadClusterCa(), ProbeTimeout);
        await Eventually.HoldsAsync($"the API endpoint at {reachedAt} is ready as {internalAddress}", async () =>
            Ready(await probe.ReadyProblemAsync(reachedAt.ToString(), internalAddress.ToString(), Ports.Api, CancellationToken.None)), ReadyDeadline);

        AssertRefusedForItsCertificate(await probe.ReadyProblemAsync(reachedAt.ToString(), Ports.Api, CancellationToken.None));
        var otherReplica = LoopbackAddresses.Security.Next();
        AssertRefusedForItsCertificate(await probe.ReadyProblemAsync(reachedAt.ToString(), otherReplica.ToString(), Ports.Api, CancellationToken.None));
        using var foreignTrust = new ApiProbe(bed.ForeignPki.LoadClusterCa(), ProbeTimeout);
        AssertRefusedForItsCertificate(await foreignTrust.ReadyProblemAsync(reachedAt.ToString(), internalAddress.ToString(), Ports.Api, CancellationToken.None));
    }

    private static Task WaitReadyAsync(ApiProbe probe, IPAddress address) =>
        Eventually.HoldsAsync($"the API endpoint at {address} is ready", async () =>
            Ready(await probe.ReadyProblemAsync(address.ToString(), Ports.Api, CancellationToken.None)), ReadyDeadline);

    /// <summary>The probe's answer as a condition: it holds without a problem; a problem is what was observed.</summary>
    private static (bool Holds, string Observed) Ready(string? problem) => (problem is null, problem ?? "ready");

    private static void AssertRefusedForItsCertificate(string? problem)
    {
        Assert.NotNull(problem);
        Assert.StartsWith("/readyz unreachable:", problem);
        Assert.Contains("certificate", problem, StringComparison.OrdinalIgnoreCase);
    }

    public Task DisposeAsync()
    {
        bed.Dispose();
        return Task.CompletedTask;
    }
}
