using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using HaMaster.Engine.Errors;
using HaMaster.Engine.Etcd;
using Xunit;

namespace HaMaster.Gce.Tests.GceProviderTests;

/// <summary>Which way etcd is reached, as recorded per cluster (no etcd runs in the stand-in's VMs).</summary>
public sealed class GceProviderEtcdTests : GceProviderTestBase
{
    [Fact]
    public async Task The_recorded_access_mode_chooses_direct_or_tunneled_etcd()
    {
        var state = await NewClusterAsync();
        using var credentials = Credentials();

        using (var direct = Provider.OpenEtcd(state, credentials.Value, _ => { }))
            Assert.IsType<EtcdGateway>(direct);

        state.ProviderData[GceClusterSettings.AccessKey] = nameof(GceAccess.External);
        using var tunneled = Assert.IsType<GceTunneledEtcdGateway>(Provider.OpenEtcd(state, credentials.Value, _ => { }));
        var error = await Assert.ThrowsAsync<HaException>(() => tunneled.ListMembersAsync("https://10.128.15.200:2379", CancellationToken.None));
        Assert.Equal(ErrorIds.ReplicaNotFound, error.ErrorId);
        Assert.Empty(tunneled.OpenEndpoints);
    }

    private static DisposableCredentials Credentials()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=test", key, HashAlgorithmName.SHA256);
        var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddHours(1));
        return new DisposableCredentials(new EtcdCredentials(certificate, certificate), certificate);
    }

    private sealed record DisposableCredentials(EtcdCredentials Value, X509Certificate2 Certificate) : IDisposable
    {
        public void Dispose() => Certificate.Dispose();
    }
}
