namespace HaMaster.Engine.Errors;

/// <summary>What an error id means and its category (one category per id). docs/errors.md shows this table.</summary>
public sealed record ErrorDefinition(string Id, HaErrorCategory Category, string Meaning);

public static class ErrorCatalog
{
    public static IReadOnlyList<ErrorDefinition> All { get; } =
    [
        new(ErrorIds.InvalidClusterName, HaErrorCategory.InvalidArgument, "The cluster name breaks the Compute Engine naming rules (lowercase letters, digits and hyphens, starting with a letter, at most 50 characters so that replica names fit)."),
        new(ErrorIds.ClusterNotFound, HaErrorCategory.ObjectNotFound, "No cluster of that name in the state folder ($HaMasterHome, else $env:HAMASTER_HOME, else ~/.hamaster)."),
        new(ErrorIds.ClusterExists, HaErrorCategory.ResourceExists, "A cluster of that name already exists."),
        new(ErrorIds.ClusterIncomplete, HaErrorCategory.ObjectNotFound, "The cluster's New-HaCluster has not finished: it is still running, or it was cut short and the next New-HaCluster or Remove-HaCluster of that name takes back what it made."),
        new(ErrorIds.ReplicaNotFound, HaErrorCategory.ObjectNotFound, "The cluster has no replica of that name."),
        new(ErrorIds.UnknownZone, HaErrorCategory.InvalidArgument, "The zone is not one of the provider's zones (Local: local-a, local-b, local-c)."),
        new(ErrorIds.ZoneRequiresMultiZone, HaErrorCategory.InvalidArgument, "A zone other than the cluster's own was asked for, but the cluster was created without -MultiZone."),
        new(ErrorIds.ReplicaLimitReached, HaErrorCategory.InvalidOperation, "The cluster already has 7 replicas, the most etcd recommends."),
        new(ErrorIds.ProviderNotAvailable, HaErrorCategory.NotImplemented, "The provider is not available in this version."),
        new(ErrorIds.ProviderParameterNotSupported, HaErrorCategory.InvalidArgument, "A parameter was given that the chosen provider does not use (for example -Project with Local)."),
        new(ErrorIds.InvalidProviderSetting, HaErrorCategory.InvalidArgument, "A provider setting has a value the provider cannot use (for example -KubernetesVersion 1.34 or -SubnetRange 10.0.0.0)."),
        new(ErrorIds.VersionChangeRefused, HaErrorCategory.InvalidOperation, "Update-HaCluster was asked for a version step a rollout cannot take: Kubernetes more than one minor version at a time, across a major version, or downwards without -Force; etcd more than one minor version up, to an older minor version, or downwards without -Force."),
        new(ErrorIds.PlatformNotSupported, HaErrorCategory.NotImplemented, "The Local provider needs Linux (it uses loopback addresses 127.x.y.z)."),
        new(ErrorIds.ComponentNotInstalled, HaErrorCategory.NotInstalled, "etcd or HAProxy is not installed; the message names the Debian package."),
        new(ErrorIds.CloudProjectMissing, HaErrorCategory.InvalidArgument, "The Gce provider was given no Google Cloud project: no -Project, no CLOUDSDK_CORE_PROJECT, no project in gcloud's configuration."),
        new(ErrorIds.CloudCredentialsMissing, HaErrorCategory.AuthenticationError, "The Gce provider found no usable Google credentials (Application Default Credentials, GOOGLE_APPLICATION_CREDENTIALS, CLOUDSDK_AUTH_ACCESS_TOKEN_FILE), or the credential file named cannot be used."),
        new(ErrorIds.StateCorrupt, HaErrorCategory.InvalidData, "A cluster's state file cannot be read; the state before its last change is kept beside it (cluster.json.previous), and Remove-HaCluster -Force removes what is left of the cluster."),
        new(ErrorIds.StorageFailed, HaErrorCategory.WriteError, "A file or folder HaMaster needs (state, certificates, replica data) could not be read or written."),
        new(ErrorIds.ClusterBusy, HaErrorCategory.ResourceBusy, "Another HaMaster command held the cluster's lock for longer than the wait allows."),
        new(ErrorIds.ClusterUnhealthy, HaErrorCategory.InvalidOperation, "The change needs a healthy cluster (safety rule 3); only removing or repairing the unhealthy replica is allowed."),
        new(ErrorIds.QuorumWouldBeLost, HaErrorCategory.InvalidOperation, "The change would leave fewer healthy etcd voters than the quorum (safety rule 4)."),
        new(ErrorIds.LastReplica, HaErrorCategory.InvalidOperation, "The last replica cannot be removed; Remove-HaCluster removes a whole cluster."),
        new(ErrorIds.MembershipChangeInProgress, HaErrorCategory.ResourceBusy, "An etcd learner has not been promoted yet; no other membership change may start."),
        new(ErrorIds.AddressUnavailable, HaErrorCategory.ResourceBusy, "No free address (a loopback block on Local) could be reserved, or the address is taken."),
        new(ErrorIds.ProcessStartFailed, HaErrorCategory.InvalidOperation, "etcd or the API endpoint exited or did not listen after it was started (another program holding its port, for one); the message quotes the cause it logged, else its log's last lines."),
        new(ErrorIds.ComponentFailed, HaErrorCategory.InvalidResult, "etcd, HAProxy or a replica process failed while HaMaster drove it."),
        new(ErrorIds.CloudApiFailed, HaErrorCategory.InvalidResult, "Compute Engine refused or failed a call (quota, permission, a resource in the way, an operation that ended in error) or could not be reached; the message quotes the API."),
        new(ErrorIds.EtcdRequestFailed, HaErrorCategory.ConnectionError, "An etcd request failed or was not answered; the message quotes etcd."),
        new(ErrorIds.ConnectionFailed, HaErrorCategory.ConnectionError, "A connection to a replica, the cluster address or an SSH tunnel failed: refused, reset, or its TLS certificate was not accepted (expired, or not from the cluster's authorities)."),
        new(ErrorIds.PromotionTimedOut, HaErrorCategory.OperationTimeout, "A new etcd learner did not catch up with the leader in time; the join was rolled back."),
        new(ErrorIds.ReplicaNotReady, HaErrorCategory.OperationTimeout, "A replica did not become a healthy voter with a ready API in time."),
        new(ErrorIds.ReplicaDataLost, HaErrorCategory.InvalidOperation, "A replica's data is gone; it cannot rejoin with its old identity and must be replaced (Repair-MasterReplica)."),
        new(ErrorIds.BackupFailed, HaErrorCategory.WriteError, "No backup could be taken (no etcd member answered, the disk filled, the snapshot failed its integrity hash); nothing is left of it, and a change it was taken for (safety rule 12) changed nothing."),
        new(ErrorIds.BackupPathNotWritable, HaErrorCategory.WriteError, "Backups cannot be written to the folder given (or the cluster's backups folder); nothing was streamed."),
        new(ErrorIds.BackupNotFound, HaErrorCategory.ObjectNotFound, "The backup's files are no longer where they were listed."),
        new(ErrorIds.ClusterHasQuorum, HaErrorCategory.InvalidOperation, "Restore-HaCluster was asked to restore a cluster that still has quorum; a restore throws away every write after its source, so it needs -Force."),
        new(ErrorIds.BackupInvalid, HaErrorCategory.InvalidData, "The snapshot given to restore from is not an etcd snapshot, fails its own integrity hash, or differs from its manifest (size or SHA-256)."),
        new(ErrorIds.BackupOfAnotherCluster, HaErrorCategory.InvalidOperation, "The backup was taken of another cluster; restoring it needs -Force (its data holds the other cluster's keys and objects)."),
        new(ErrorIds.NoRestoreSource, HaErrorCategory.ObjectNotFound, "Restore-HaCluster found nothing to restore from: no replica's etcd answers and the cluster has no verified backup."),
        new(ErrorIds.InvalidCertificateValidity, HaErrorCategory.InvalidArgument, "A certificate validity (-ValidFor) is not positive or would outlive the cluster's certificate authority."),
        new(ErrorIds.InvalidEtcdQuota, HaErrorCategory.InvalidArgument, "An etcd backend quota (-EtcdQuotaBytes) is below 16 MiB or above 8 GiB."),
        new(ErrorIds.KubeConfigInvalid, HaErrorCategory.InvalidData, "The kubeconfig file to merge into is not valid YAML or not shaped like a kubeconfig; it was left untouched."),
        new(ErrorIds.KubeConfigNotWritable, HaErrorCategory.WriteError, "The kubeconfig file cannot be read or written (a folder in the way, no permission, a lock file left behind); it was left untouched."),
        new(ErrorIds.OperationTimedOut, HaErrorCategory.OperationTimeout, "A component did not answer in time."),
        new(ErrorIds.ConfirmationNotPossible, HaErrorCategory.InvalidOperation, "The command had to ask a question (a confirmation) and the session cannot ask (a script runner, pwsh -NonInteractive); the message names the switch that goes on without the question."),
        new(ErrorIds.UnexpectedError, HaErrorCategory.NotSpecified, "A failure HaMaster does not know; the message says what failed."),
    ];

    public static ErrorDefinition Get(string id) =>
        All.FirstOrDefault(d => d.Id == id) ?? throw new ArgumentException($"'{id}' is not an error id of the catalog.", nameof(id));
}
