using System.Runtime.Versioning;
using HaMaster.Engine;
using HaMaster.Engine.Errors;
using HaMaster.Engine.Etcd;
using HaMaster.Gce.Ssh;
using HaMaster.TestSupport;
using Xunit;

namespace HaMaster.Gce.Tests.Ssh;

/// <summary>A private sshd and a real etcd behind it, each on its own loopback address, for the tests of one class.</summary>
[SupportedOSPlatform("linux")]
public sealed class SshdWithEtcd : IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("hamaster-tunnel-").FullName;

    public SshKeyPair ModuleKey { get; } = SshKeyPair.Generate("hamaster");
    internal PrivateSshd Sshd { get; private set; } = null!;
    internal RealEtcd Etcd { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Etcd = await RealEtcd.StartAsync(Path.Combine(_folder, "etcd"));
        Sshd = await PrivateSshd.StartAsync(Path.Combine(_folder, "sshd"), ModuleKey);
    }

    public Task DisposeAsync()
    {
        Sshd?.Dispose();
        Etcd?.Dispose();
        Directory.Delete(_folder, recursive: true);
        return Task.CompletedTask;
    }

    internal SshOptions Options(SshKeyPair? key = null) => new()
    {
        Host = Sshd.Address,
        Port = PrivateSshd.Port,
        User = Sshd.User,
        Key = key ?? ModuleKey,
        RemoteHost = Etcd.Address,
        RemotePort = 2379,
        TrustedHostKeyFingerprints = [Sshd.HostKeyFingerprint],
        ConnectTimeout = TimeSpan.FromSeconds(10),
    };
}

[SupportedOSPlatform("linux")]
public sealed class SshTunnelTests : IClassFixture<SshdWithEtcd>
{
    private readonly SshdWithEtcd _servers;

    public SshTunnelTests(SshdWithEtcd servers) => _servers = servers;

    [Fact]
    public async Task Etcd_answers_through_the_tunnel_with_mutual_TLS_and_disposing_closes_the_local_port()
    {
        var tunnel = await SshTunnel.OpenAsync(_servers.Options());
        int port;
        using (tunnel)
        {
            Assert.True(tunnel.IsOpen);
            Assert.Equal(_servers.Sshd.HostKeyFingerprint, tunnel.HostKeyFingerprint);
            Assert.False(tunnel.HostKeyTrustedOnFirstUse);
            port = tunnel.LocalEndPoint.Port;
            Assert.NotEqual(0, port);
            Assert.Equal("127.0.0.1", tunnel.LocalEndPoint.Address.ToString());

            // etcd listens only on its own address; 127.0.0.1:<port> reaches it only through SSH.
            using var gateway = new EtcdGateway(_servers.Etcd.Pki.LoadEtcdCredentials(), _ => tunnel.LocalUrl()) { RequestTimeout = TimeSpan.FromSeconds(10) };
            var value = Guid.NewGuid().ToString("N");
            await gateway.PutAsync(_servers.Etcd.ClientUrl, "/hamaster/tunnel-test", value, CancellationToken.None);
            Assert.Equal(value, await gateway.GetAsync(_servers.Etcd.ClientUrl, "/hamaster/tunnel-test", CancellationToken.None));
            var members = await gateway.ListMembersAsync(_servers.Etcd.ClientUrl, CancellationToken.None);
            Assert.Equal("tunnel-test", Assert.Single(members).Name);
            Assert.Contains("accepted publickey", _servers.Sshd.Log, StringComparison.OrdinalIgnoreCase);
        }

        Assert.False(tunnel.IsOpen);
        await Eventually.HoldsAsync($"127.0.0.1:{port} refuses connections after the tunnel was disposed",
            () => !TcpProbe.Accepts("127.0.0.1", port), TimeSpan.FromSeconds(10));
        tunnel.Dispose(); // a second dispose is harmless
    }

    [Fact]
    public async Task A_key_the_server_does_not_authorize_is_refused()
    {
        var stranger = SshKeyPair.Generate("stranger");
        var error = await Assert.ThrowsAsync<HaException>(() => SshTunnel.OpenAsync(_servers.Options(stranger)));
        Assert.Equal(ErrorIds.EtcdRequestFailed, error.ErrorId);
        Assert.Contains(stranger.Fingerprint, error.Message);
        Assert.Contains("refused", error.Message);
    }

    [Fact]
    public async Task A_server_whose_host_key_is_not_the_expected_one_is_refused_before_authentication()
    {
        var other = SshKeyPair.Generate("other-host");
        var options = _servers.Options() with { TrustedHostKeyFingerprints = [other.Fingerprint] };
        var error = await Assert.ThrowsAsync<HaException>(() => SshTunnel.OpenAsync(options));
        Assert.Equal(ErrorIds.EtcdRequestFailed, error.ErrorId);
        Assert.Contains(_servers.Sshd.HostKeyFingerprint, error.Message);
        Assert.Contains(other.Fingerprint, error.Message);
    }

    [Fact]
    public async Task Without_an_expected_host_key_the_first_one_is_trusted_and_reported()
    {
        using var tunnel = await SshTunnel.OpenAsync(_servers.Options() with { TrustedHostKeyFingerprints = [] });
        Assert.True(tunnel.HostKeyTrustedOnFirstUse);
        Assert.Equal(_servers.Sshd.HostKeyFingerprint, tunnel.HostKeyFingerprint);
        // What the provider pins next time, from the host key's public line (guest attributes hostkeys/).
        Assert.Equal(tunnel.HostKeyFingerprint, SshKeyPair.FingerprintOfPublicKey(_servers.Sshd.HostPublicKey));
    }

    [Fact]
    public async Task A_server_that_is_not_there_fails_with_a_connection_error_within_the_timeout()
    {
        var nobody = LoopbackAddresses.Ssh.NextWithFree(22).ToString();
        var started = DateTime.UtcNow;
        var error = await Assert.ThrowsAsync<HaException>(() => SshTunnel.OpenAsync(_servers.Options() with { Host = nobody, Port = 22 }));
        Assert.Contains($"{nobody}:22", error.Message);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(30));
    }
}

[SupportedOSPlatform("linux")]
public sealed class SshTestServerTests
{
    [Fact]
    public async Task The_test_servers_leave_no_process_behind()
    {
        var folder = Directory.CreateTempSubdirectory("hamaster-tunnel-cleanup-").FullName;
        try
        {
            var etcd = await RealEtcd.StartAsync(Path.Combine(folder, "etcd"));
            var key = SshKeyPair.Generate();
            var sshd = await PrivateSshd.StartAsync(Path.Combine(folder, "sshd"), key);
            // An open tunnel means an sshd child process serving the connection: it must go too.
            using var tunnel = await SshTunnel.OpenAsync(new SshOptions
            {
                Host = sshd.Address, Port = PrivateSshd.Port, User = sshd.User, Key = key, RemoteHost = etcd.Address,
            });
            sshd.Dispose();
            etcd.Dispose();
            Assert.True(sshd.Process.HasExited);
            Assert.True(etcd.Process.HasExited);
            Assert.False(TcpProbe.Accepts(sshd.Address, PrivateSshd.Port));
            Assert.False(TcpProbe.Accepts(etcd.Address, 2379));
            var leftovers = System.Diagnostics.Process.GetProcesses()
                .Where(p => { try { return File.ReadAllText($"/proc/{p.Id}/cmdline").Contains(folder, StringComparison.Ordinal); } catch (IOException) { return false; } catch (UnauthorizedAccessException) { return false; } })
                .Select(p => p.Id).ToList();
            Assert.Empty(leftovers);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
