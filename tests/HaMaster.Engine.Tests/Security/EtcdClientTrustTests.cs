using System.Security.Authentication;
using HaMaster.Engine.Certificates;
using HaMaster.Engine.Etcd;
using HaMaster.TestSupport;
using Xunit;

namespace HaMaster.Engine.Tests.Security;

/// <summary>
/// Safety rule 11: the module's etcd client (<see cref="EtcdGateway"/>) talks only to an etcd whose
/// server certificate comes from the cluster's etcd CA.
/// </summary>
[Collection(SecurityCollection.Name)]
public sealed class EtcdClientTrustTests : IDisposable
{
    private readonly SecurityBed bed = new();

    [Fact]
    public async Task The_etcd_client_refuses_a_server_certificate_from_a_foreign_ca_and_never_sends_the_request()
    {
        var impostor = bed.Etcd("impostor", LoopbackAddresses.Security.Next());
        var foreign = bed.ForeignPki.IssueReplica(impostor.Name, impostor.Address, bed.ClusterAddress, bed.Now);
        // It trusts the cluster's etcd CA for clients, so it would serve the module's client certificate:
        // only the module's own check of the server certificate can stop the request.
        impostor.Start(impostor.Founding, foreign.EtcdCertificate, foreign.EtcdKey, bed.Pki.EtcdCaFile);

        var moduleCredentials = bed.Pki.LoadEtcdCredentials();
        // The control: the same client certificate, from a client that trusts the foreign CA, is served.
        using var trustingForeign = new EtcdGateway(new EtcdCredentials(PemFile.LoadCertificate(bed.ForeignPki.EtcdCaFile), moduleCredentials.ClientCertificate))
        {
            RequestTimeout = TimeSpan.FromSeconds(10),
        };
        await impostor.WaitAnswersAsync(trustingForeign);

        using var module = bed.ModuleEtcdClient();
        var key = "/hamaster/security/" + Guid.NewGuid().ToString("N");
        var failure = await Assert.ThrowsAsync<EtcdRequestException>(() => module.PutAsync(impostor.ClientUrl, key, "must-not-arrive", CancellationToken.None));
        Assert.Contains(SecurityBed.Causes(failure), cause => cause is AuthenticationException);
        Assert.Contains("certificate", failure.Message, StringComparison.OrdinalIgnoreCase);
        await Assert.ThrowsAsync<EtcdRequestException>(() => module.StatusAsync(impostor.ClientUrl, CancellationToken.None));

        // Nothing reached etcd: the key was never written.
        Assert.Null(await trustingForeign.GetAsync(impostor.ClientUrl, key, CancellationToken.None));
    }

    [Fact]
    public async Task The_etcd_client_refuses_a_certificate_of_the_cluster_ca_that_does_not_name_the_address_it_connected_to()
    {
        // A genuine member certificate, but another replica's: it names that replica's address, not this one.
        var member = bed.Etcd("member", LoopbackAddresses.Security.Next());
        var elsewhere = bed.Pki.IssueReplica("elsewhere", LoopbackAddresses.Security.Next(), bed.ClusterAddress, bed.Now);
        member.Start(member.Founding, elsewhere.EtcdCertificate, elsewhere.EtcdKey, elsewhere.EtcdCa);

        var moduleCredentials = bed.Pki.LoadEtcdCredentials();
        var key = "/hamaster/security/" + Guid.NewGuid().ToString("N");
        // The control: checking the CA alone, the same client certificate is served.
        using var caOnly = SecurityBed.RawEtcdClient(member.ClientUrl, TrustValidation.CallbackTrusting(moduleCredentials.TrustedCa), moduleCredentials.ClientCertificate);
        await Eventually.HoldsAsync($"etcd {member.Name} answers a client that checks the CA only", async () =>
        {
            if (member.HasExited) Assert.Fail($"etcd exited: {ProductEtcd.Tail(member.Log)}");
            // Refusals (RpcException) are what the wait observes until etcd serves.
            await caOnly.StatusAsync(new Etcdserverpb.StatusRequest(), deadline: DateTime.UtcNow.AddSeconds(10));
            return true;
        }, SecurityBed.StartDeadline);

        using var module = bed.ModuleEtcdClient();
        var failure = await Assert.ThrowsAsync<EtcdRequestException>(() => module.PutAsync(member.ClientUrl, key, "must-not-arrive", CancellationToken.None));
        Assert.Contains(SecurityBed.Causes(failure), cause => cause is AuthenticationException);
        Assert.Equal(0, (await caOnly.GetAsync(key, deadline: DateTime.UtcNow.AddSeconds(10))).Count);
    }

    public void Dispose() => bed.Dispose();
}

[CollectionDefinition(Name)]
public sealed class SecurityCollection
{
    /// <summary>The security tests start real etcd and endpoint processes; they run one at a time.</summary>
    public const string Name = "Security (real processes)";
}
