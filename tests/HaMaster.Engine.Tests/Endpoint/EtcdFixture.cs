using HaMaster.TestSupport;
using Xunit;

namespace HaMaster.Engine.Tests.Endpoint;

/// <summary>A test CA, a foreign CA and one running etcd member, shared by the tests of a class.</summary>
public sealed class EtcdFixture : IAsyncLifetime, IDisposable
{
    public EtcdFixture()
    {
        WorkDirectory = Directory.CreateTempSubdirectory("hamaster-endpoint-test-").FullName;
        Pki = new TestCertificateAuthority("test", WorkDirectory);
        ForeignPki = new TestCertificateAuthority("foreign", WorkDirectory);
        Etcd = new EtcdTestMember(Pki, WorkDirectory);
    }

    public string WorkDirectory { get; }
    public TestCertificateAuthority Pki { get; }
    public TestCertificateAuthority ForeignPki { get; }
    public EtcdTestMember Etcd { get; }

    public Task InitializeAsync() => Etcd.StartAsync();

    public Task DisposeAsync()
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        Etcd.Dispose();
        Pki.Dispose();
        ForeignPki.Dispose();
        try
        {
            Directory.Delete(WorkDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
