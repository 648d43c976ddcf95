using System.Net;
using HaMaster.Engine.Etcd;
using HaMaster.Engine.Pki;
using HaMaster.Gce.Tests.Bootstrap;
using HaMaster.TestSupport;

namespace HaMaster.Gce.Tests.Ssh;

/// <summary>
/// A real one-member etcd (Debian etcd-server) on its own loopback address, started with the shared
/// etcd command line and the engine's certificates, as a replica's member runs: mutual TLS only.
/// </summary>
internal sealed class RealEtcd : IDisposable
{
    public const string Program = "/usr/bin/etcd";

    private readonly BackgroundProcess _process;

    private RealEtcd(string address, ClusterPki pki, BackgroundProcess process)
    {
        Address = address;
        Pki = pki;
        _process = process;
    }

    public string Address { get; }
    public ClusterPki Pki { get; }
    public string ClientUrl => $"https://{Address}:2379";
    public BackgroundProcess Process => _process;

    public static async Task<RealEtcd> StartAsync(string folder)
    {
        await DebianPackages.RequireAsync(Program, "etcd-server");
        var address = LoopbackAddresses.Ssh.NextWithFree(2379, 2380).ToString();
        var name = "tunnel-test";
        var now = DateTimeOffset.UtcNow;
        var pki = new ClusterPki(Path.Combine(folder, "pki"));
        pki.CreateAuthorities("tunnel-test", now);
        var files = pki.IssueReplica(name, IPAddress.Parse(address), IPAddress.Parse(address), now);

        var member = new EtcdCommandLine.Member(name, [$"https://{address}:2379"], $"https://{address}:2379", $"https://{address}:2380",
            $"{name}=https://{address}:2380", NewCluster: true, ClusterToken: "tunnel-test", QuotaBytes: EtcdQuota.DefaultBytes);
        var arguments = EtcdCommandLine.Arguments(member, new EtcdCommandLine.Paths(Path.Combine(folder, "etcd-data"), files.EtcdCertificate, files.EtcdKey, files.EtcdCa));
        var process = new BackgroundProcess(Program, arguments);
        var etcd = new RealEtcd(address, pki, process);
        try
        {
            await process.WaitUntilAsync(() => TcpProbe.Accepts(address, 2379), TimeSpan.FromSeconds(30), $"client listener on {address}:2379");
            return etcd;
        }
        catch
        {
            etcd.Dispose();
            throw;
        }
    }

    public void Dispose() => _process.Dispose();
}
