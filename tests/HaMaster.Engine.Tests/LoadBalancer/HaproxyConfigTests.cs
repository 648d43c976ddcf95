using HaMaster.Local.LoadBalancer;
using Xunit;

namespace HaMaster.Engine.Tests.LoadBalancer;

public class HaproxyConfigTests
{
    private static readonly LoadBalancerSpec TwoReplicas = new(
        "127.0.0.10", 6443,
        [new BackendReplica("cp-1", "127.0.0.11"), new BackendReplica("cp-2", "127.0.0.12")],
        "/clusters/demo/pki/ca.crt", "/clusters/demo/lb");

    private static string[] Lines(string config) =>
        config.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    [Fact]
    public void Frontend_BindsTheClusterAddressAndPort()
    {
        var lines = Lines(HaproxyLoadBalancer.RenderConfig(TwoReplicas));

        Assert.Contains("bind 127.0.0.10:6443", lines);
        Assert.Single(lines, l => l.StartsWith("bind ", StringComparison.Ordinal));
    }

    [Fact]
    public void EveryBackend_IsOneServerHealthCheckedOverVerifiedTls()
    {
        var lines = Lines(HaproxyLoadBalancer.RenderConfig(TwoReplicas));

        Assert.Equal(
            [
                "server cp-1 127.0.0.11:6443 check check-ssl verify required ca-file '/clusters/demo/pki/ca.crt' check-sni cp-1 verifyhost cp-1",
                "server cp-2 127.0.0.12:6443 check check-ssl verify required ca-file '/clusters/demo/pki/ca.crt' check-sni cp-2 verifyhost cp-2",
            ],
            lines.Where(l => l.StartsWith("server ", StringComparison.Ordinal)));
        Assert.Contains("option httpchk GET /readyz", lines);
        Assert.Contains("http-check expect status 200", lines);
        Assert.Contains("balance roundrobin", lines);
        Assert.DoesNotContain(lines, l => l.Contains("verify none", StringComparison.Ordinal));
    }

    [Fact]
    public void Defaults_DetectDeadReplicasFastAndRetryElsewhere()
    {
        var lines = Lines(HaproxyLoadBalancer.RenderConfig(TwoReplicas));

        Assert.Contains("mode tcp", lines);
        Assert.Contains("timeout connect 2s", lines);
        Assert.Contains("timeout client 60s", lines);
        Assert.Contains("timeout server 60s", lines);
        Assert.Contains("option redispatch", lines);
        Assert.Contains("retries 3", lines);
        Assert.Contains("default-server inter 500ms fall 2 rise 2", lines);
    }

    [Fact]
    public void Global_HasAnAdminStatsSocketInTheDirectoryAndNoDaemonMode()
    {
        var lines = Lines(HaproxyLoadBalancer.RenderConfig(TwoReplicas));

        Assert.Contains("stats socket '/clusters/demo/lb/haproxy.sock' mode 600 level admin expose-fd listeners", lines);
        Assert.DoesNotContain("daemon", lines);
    }

    [Fact]
    public void Rendering_IsDeterministic()
    {
        Assert.Equal(HaproxyLoadBalancer.RenderConfig(TwoReplicas), HaproxyLoadBalancer.RenderConfig(TwoReplicas with { }));
    }

    public static TheoryData<string, LoadBalancerSpec> InvalidSpecs() => new()
    {
        { "frontend is a name", TwoReplicas with { Frontend = "cluster.local" } },
        { "frontend is shorthand IPv4", TwoReplicas with { Frontend = "127.1" } },
        { "frontend is IPv6", TwoReplicas with { Frontend = "::1" } },
        { "port 0", TwoReplicas with { Port = 0 } },
        { "no backend", TwoReplicas with { Backends = [] } },
        { "backend name with a space", TwoReplicas with { Backends = [new("cp 1", "127.0.0.11")] } },
        { "duplicate backend name", TwoReplicas with { Backends = [new("cp-1", "127.0.0.11"), new("cp-1", "127.0.0.12")] } },
        { "backend address is not IPv4", TwoReplicas with { Backends = [new("cp-1", "localhost")] } },
        { "relative CA file", TwoReplicas with { CaFile = "pki/ca.crt" } },
        { "quote in CA file", TwoReplicas with { CaFile = "/pki/it's.crt" } },
        { "relative directory", TwoReplicas with { Directory = "lb" } },
    };

    [Theory]
    [MemberData(nameof(InvalidSpecs))]
    public void InvalidSpec_IsRejected(string why, LoadBalancerSpec spec)
    {
        Assert.NotNull(why);
        Assert.Throws<ArgumentException>(() => HaproxyLoadBalancer.RenderConfig(spec));
    }

    [Fact]
    public void DirectoryTooLongForAUnixSocket_IsRejectedWithAClearMessage()
    {
        var spec = TwoReplicas with { Directory = "/" + new string('d', 90) };

        var error = Assert.Throws<ArgumentException>(() => HaproxyLoadBalancer.RenderConfig(spec));

        Assert.Contains("too long", error.Message);
        Assert.Contains("socket", error.Message);
    }
}
