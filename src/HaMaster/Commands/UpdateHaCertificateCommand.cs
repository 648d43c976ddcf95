using System.Management.Automation;
using HaMaster.Completion;

namespace HaMaster.Commands;

/// <summary>
/// <para type="synopsis">Renews a cluster's certificates with new keys, one replica at a time, without taking the cluster down; with -Force, also after they have expired.</para>
/// <para type="description">Renews every leaf certificate: each replica's API serving and etcd member certificates and the module's own etcd client certificate, each valid for the cluster's certificate validity (New-HaCluster -CertificateValidity) from now, with new keys that replace the old ones on disk. Replicas are renewed one at a time, followers first and the leader last: each is taken out of the load balancer, etcd leadership is handed on when it leads, it is stopped cleanly, started with its new certificates and waited for until it is healthy and served again before the next one is touched, so the cluster address keeps answering (a one-replica cluster does not, and is warned about). It needs the cluster healthy (ClusterUnhealthy otherwise). With -Force every replica is stopped, renewed and started at once: the way back when the certificates have already expired, etcd members refuse each other and the cluster is down. The certificate authorities are not renewed (they last ten years). An interrupted renewal is finished by the next command on the cluster. On Gce the new files reach each VM through its instance metadata, and its startup script runs again when the VM is started.</para>
/// </summary>
/// <example title="Renew before the certificates expire">
/// <code>
/// Update-HaCertificate -Cluster demo
/// </code>
/// <para>Renews every certificate of demo one replica at a time and lists the new ones with their expiry.</para>
/// </example>
/// <example title="Bring back a cluster whose certificates expired">
/// <code>
/// Update-HaCertificate -Cluster demo -Force -Confirm:$false
/// Get-HaCluster demo
/// </code>
/// <para>Stops every replica, renews every certificate and starts them again; the cluster is Healthy again with its data.</para>
/// </example>
/// <returns>One HaCertificate per certificate of the cluster, after the renewal.</returns>
/// <seealso cref="GetHaCertificateCommand"/>
[Cmdlet(VerbsData.Update, "HaCertificate", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(HaCertificate))]
public sealed class UpdateHaCertificateCommand : HaCmdlet
{
    /// <summary>
    /// The name of the cluster. Required; no wildcards. Accepts a cluster name, or the Cluster property of a piped HaCluster. An unknown name fails with the error ClusterNotFound.
    /// </summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(ClusterNameCompleter))]
    public string Cluster { get; set; } = "";

    /// <summary>
    /// Stops every replica, renews every certificate and starts them all again, without the health gate: for a cluster whose certificates have expired (it is down anyway). On a running cluster it causes an outage until the replicas are back.
    /// </summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void ProcessRecord() => ForEachInput(() =>
    {
        var action = Force
            ? "Stop every replica, renew every certificate and start them again (the cluster is down meanwhile)"
            : "Renew every certificate, one replica at a time";
        if (!ShouldProcess(Cluster, action)) return;
        foreach (var certificate in Run((engine, token) => engine.RenewCertificatesAsync(Cluster, Force, token)))
            WriteObject(certificate);
    });
}
