using System.Management.Automation;
using HaMaster.Completion;

namespace HaMaster.Commands;

/// <summary>
/// <para type="synopsis">Lists the certificates of a cluster with their expiry.</para>
/// <para type="description">Reads the certificates kept in the cluster's state folder: the cluster CA and the etcd CA, the module's own etcd client certificate, and each replica's API serving and etcd member certificates. Each shows its subject, names, validity and the time left (ExpiresIn, negative once expired). Leaves last New-HaCluster -CertificateValidity (a year by default) and the CAs ten years; a leaf within 30 days of its expiry puts a problem on the cluster (Get-HaCluster). Private keys are never shown.</para>
/// </summary>
/// <example title="When does each certificate of a cluster expire">
/// <code>
/// Get-HaCertificate demo
/// </code>
/// <para>Shows every certificate of demo with its usage, replica, expiry and the time left.</para>
/// </example>
/// <example title="Certificates that expire within 60 days, on every cluster">
/// <code>
/// Get-HaCertificate | Where-Object { $_.ExpiresIn -lt [TimeSpan]::FromDays(60) }
/// </code>
/// <para>Lists the certificates to renew soon, whichever cluster they belong to.</para>
/// </example>
/// <returns>One HaCertificate per certificate.</returns>
/// <seealso cref="ExportHaKubeConfigCommand"/>
/// <seealso cref="GetHaClusterCommand"/>
[Cmdlet(VerbsCommon.Get, "HaCertificate")]
[OutputType(typeof(HaCertificate))]
public sealed class GetHaCertificateCommand : HaCmdlet
{
    /// <summary>
    /// The names of the clusters; also the Cluster property of piped objects. Without it, every cluster. An unknown name fails with the error ClusterNotFound.
    /// </summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(ClusterNameCompleter))]
    public string[]? Cluster { get; set; }

    /// <summary>
    /// Only these replicas' own certificates (not the cluster-wide ones). A name the cluster does not have fails with the error ReplicaNotFound.
    /// </summary>
    [Parameter]
    [ArgumentCompleter(typeof(ReplicaNameCompleter))]
    public string[]? Replica { get; set; }

    protected override void ProcessRecord()
    {
        var engine = CreateEngine();
        foreach (var cluster in Cluster ?? engine.ClusterNames().ToArray())
            ForEachInput(() =>
            {
                foreach (var certificate in engine.GetCertificates(cluster, Replica))
                    WriteObject(certificate);
            });
    }
}
