using System.Net;
using HaMaster.TestSupport;
using Xunit;

namespace HaMaster.Engine.Tests.Endpoint;

/// <summary>
/// /readyz needs a quorum read: a member that has lost its peers still serves serializable (local)
/// reads, but the endpoint next to it must report not ready.
/// </summary>
public sealed class EndpointQuorumTests : IAsyncLifetime, IDisposable
{
    private readonly string workDirectory = Directory.CreateTempSubdirectory("hamaster-endpoint-test-").FullName;
    private readonly TestCertificateAuthority pki;
    private readonly EtcdTestMember[] members;

    public EndpointQuorumTests()
    {
        pki = new TestCertificateAuthority("quorum", workDirectory);
        members = Enumerable.Range(0, 3).Select(_ => new EtcdTestMember(pki, workDirectory)).ToArray();
    }

    public Task InitializeAsync() => Task.WhenAll(members.Select(member => member.StartAsync(members)));

    public Task DisposeAsync()
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        foreach (EtcdTestMember member in members)
            member.Dispose();
        pki.Dispose();
        try
        {
            Directory.Delete(workDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public async Task Readyz_fails_on_a_member_without_quorum_even_though_it_still_serves_local_reads()
    {
        EtcdTestMember survivor = members[0];
        IPAddress address = LoopbackAddresses.Endpoint.Next();
        PemPair certificate = pki.IssuePem($"endpoint-{address}", address);
        using EndpointUnderTest endpoint = await EndpointUnderTest.StartAsync(
            workDirectory, EndpointUnderTest.ConfigFor(survivor, certificate, address), pki);
        string readyz = EndpointUnderTest.Url(address, "/readyz");
        await endpoint.WaitUntilReadyAsync(address);

        members[1].Kill();
        members[2].Kill();

        TlsTestClient.Reply notReady = default!;
        await Eventually.HoldsAsync("/readyz reports 500 without quorum", async () =>
            (notReady = await endpoint.Client.GetAsync(readyz)).Status == HttpStatusCode.InternalServerError);
        Assert.StartsWith("etcd: ", notReady.Body);
        TlsTestClient.Reply localRead = await survivor.RangeAsync(serializable: true);
        Assert.Equal(HttpStatusCode.OK, localRead.Status);

        await Task.WhenAll(members[1].StartAsync(members), members[2].StartAsync(members));
        await Eventually.HoldsAsync("/readyz is ok once quorum is back", async () =>
            (await endpoint.Client.GetAsync(readyz)).Status == HttpStatusCode.OK);
    }
}
