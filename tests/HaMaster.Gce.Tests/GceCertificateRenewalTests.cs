using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using HaMaster.Engine.Pki;
using HaMaster.Gce.Bootstrap;
using HaMaster.Gce.Tests.Compute;
using Xunit;

namespace HaMaster.Gce.Tests;

/// <summary>
/// Update-HaCertificate on the Gce provider, against the Compute stand-in and its fake VMs: each VM's
/// new certificates go into its instance metadata (setMetadata with the metadata fingerprint) and its
/// startup script runs again at the restart, so the VM's etcd and API endpoint serve them.
/// </summary>
[Collection(ProcessEnvironmentCollection.Name)]
public sealed class GceCertificateRenewalTests
{
    [Fact]
    public async Task Each_vm_gets_its_new_certificates_through_its_metadata_and_serves_them()
    {
        await using var cloud = await GceTestCloud.StartAsync();
        cloud.Run(cloud.NewCluster("rc"));
        cloud.Run("Add-MasterReplica -Cluster rc -Count 2");
        await cloud.Vms.WaitForExternalAddressesAsync(TimeSpan.FromSeconds(30));
        var replicas = cloud.Run("Get-MasterReplica rc").OfType<MasterReplica>().ToList();
        var apiPort = new Uri(cloud.Single<HaCluster>("Get-HaCluster rc").Endpoint).Port;
        var fingerprints = replicas.ToDictionary(r => r.Name, r => Metadata(cloud, r.Name)["fingerprint"]);
        var before = cloud.Run("Get-HaCertificate rc").OfType<HaCertificate>().ToList();

        var after = cloud.Run("Update-HaCertificate -Cluster rc -Confirm:$false").OfType<HaCertificate>().ToList();

        var pki = new ClusterPki(Path.Combine(cloud.Home, "clusters", "rc", "pki"));
        using var client = pki.LoadEtcdCredentials().ClientCertificate;
        // A VM started again gets a new ephemeral external address, as on Compute Engine.
        await cloud.Vms.WaitForExternalAddressesAsync(TimeSpan.FromSeconds(30));
        foreach (var replica in cloud.Run("Get-MasterReplica rc").OfType<MasterReplica>())
        {
            var api = after.Single(c => c.Replica == replica.Name && c.Usage == "ApiServer");
            var etcd = after.Single(c => c.Replica == replica.Name && c.Usage == "EtcdMember");
            Assert.NotEqual(before.Single(c => c.Replica == replica.Name && c.Usage == "ApiServer").Thumbprint, api.Thumbprint);
            Assert.NotEqual(before.Single(c => c.Replica == replica.Name && c.Usage == "EtcdMember").Thumbprint, etcd.Thumbprint);
            var metadata = Metadata(cloud, replica.Name);
            Assert.NotEqual(fingerprints[replica.Name], metadata["fingerprint"]);
            Assert.Equal(File.ReadAllText(api.Path), metadata[ReplicaMetadataKeys.ApiServerCertificate]);
            Assert.Equal(File.ReadAllText(etcd.Path), metadata[ReplicaMetadataKeys.EtcdCertificate]);
            Assert.Equal(api.Thumbprint, await ServedThumbprintAsync(replica.ExternalAddress!, apiPort, null));
            Assert.Equal(etcd.Thumbprint, await ServedThumbprintAsync(replica.InternalAddress, 2379, client));
        }
        Assert.All(cloud.Run("Get-MasterReplica rc").OfType<MasterReplica>(), r => Assert.True(r.Healthy, $"{r.Name}: {string.Join("; ", r.Problems)}"));
        cloud.Run("Remove-HaCluster rc -Force");
    }

    /// <summary>The instance's metadata items, and its fingerprint under "fingerprint".</summary>
    private static Dictionary<string, string> Metadata(GceTestCloud cloud, string instance)
    {
        var metadata = cloud.StandIn.GetResource($"projects/{GceTestCloud.Project}/zones/{GceTestCloud.Zone}/instances/{instance}")!["metadata"]!;
        var items = metadata["items"]!.AsArray().ToDictionary(i => (string)i!["key"]!, i => (string)i!["value"]!);
        items["fingerprint"] = (string)metadata["fingerprint"]!;
        return items;
    }

    /// <summary>The thumbprint of the certificate a TLS server presents (the chain is checked elsewhere; here only which one it is).</summary>
    private static async Task<string> ServedThumbprintAsync(string host, int port, X509Certificate2? clientCertificate)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(host, port).WaitAsync(TimeSpan.FromSeconds(10));
        await using var tls = new SslStream(tcp.GetStream());
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = host,
            RemoteCertificateValidationCallback = (_, _, _, _) => true,
            ClientCertificates = clientCertificate is null ? null : [clientCertificate],
        }).WaitAsync(TimeSpan.FromSeconds(10));
        return new X509Certificate2(tls.RemoteCertificate!).Thumbprint;
    }
}
