using System.Management.Automation;
using HaMaster.Completion;
using HaMaster.Engine;
using HaMaster.Engine.Credentials;

namespace HaMaster.Commands;

/// <summary>
/// <para type="synopsis">Writes a kubeconfig with an administrator's credential for a cluster, so that kubectl and other Kubernetes clients can use it.</para>
/// <para type="description">Issues a client certificate from the cluster CA (user -UserName, group system:masters, valid -ValidFor) and writes a context named hamaster-&lt;cluster&gt; whose server is the cluster endpoint and whose CA is the cluster CA. Without -Path it merges into the kubeconfig kubectl reads first (the first file of $env:KUBECONFIG, else ~/.kube/config), keeps every other cluster, user and context as it was, and makes the new context current; a file that is not a kubeconfig is refused and left untouched. The file is owner-only. The credential is not kept anywhere else: export a new one when it expires.</para>
/// </summary>
/// <example title="Use kubectl against a cluster">
/// <code>
/// Export-HaKubeConfig -Cluster demo
/// kubectl version
/// </code>
/// <para>Merges a 24-hour administrator credential for demo into ~/.kube/config and switches kubectl to it (context hamaster-demo).</para>
/// </example>
/// <example title="A credential of its own for a script">
/// <code>
/// Export-HaKubeConfig -Cluster demo -UserName deploy-bot -ValidFor 01:00:00 -Path ./demo.kubeconfig
/// </code>
/// <para>Writes a kubeconfig file of its own, valid for one hour, for the user deploy-bot.</para>
/// </example>
/// <returns>One HaKubeConfig per cluster: the context, the file written and when the credential expires.</returns>
/// <seealso cref="GetHaClusterCommand"/>
[Cmdlet(VerbsData.Export, "HaKubeConfig", SupportsShouldProcess = true)]
[OutputType(typeof(HaKubeConfig))]
public sealed class ExportHaKubeConfigCommand : HaCmdlet
{
    /// <summary>
    /// The name of the cluster. Required; no wildcards. Accepts a cluster name, or the Cluster property of a piped HaCluster or MasterReplica. An unknown name fails with the error ClusterNotFound.
    /// </summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(ClusterNameCompleter))]
    public string Cluster { get; set; } = "";

    /// <summary>
    /// The user the API server sees: the certificate's common name. Its group is always system:masters (every permission). Default: hamaster-admin.
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string UserName { get; set; } = HaEngine.DefaultUserName;

    /// <summary>
    /// How long the credential works. Default: 24 hours (short-lived administrator credentials are safer). A time that is not positive, or that would outlive the cluster CA, fails with the error InvalidCertificateValidity.
    /// </summary>
    [Parameter]
    public TimeSpan ValidFor { get; set; } = HaEngine.DefaultCredentialValidity;

    /// <summary>
    /// The kubeconfig file to write. A new file holds only this cluster; an existing kubeconfig is merged into, as without -Path. Default: the first file of $env:KUBECONFIG, else ~/.kube/config.
    /// </summary>
    [Parameter]
    public string? Path { get; set; }

    protected override void ProcessRecord() => ForEachInput(() =>
    {
        var path = Path is null ? KubeConfigFile.DefaultPath() : GetUnresolvedProviderPathFromPSPath(Path);
        if (!ShouldProcess(path, $"Write an administrator credential for cluster '{Cluster}' (context hamaster-{Cluster}, user {UserName}, valid {ValidFor})")) return;
        WriteObject(CreateEngine().ExportKubeConfig(new KubeConfigRequest(Cluster, UserName, ValidFor, path)));
    });
}
