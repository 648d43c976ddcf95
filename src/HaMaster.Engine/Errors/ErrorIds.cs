namespace HaMaster.Engine.Errors;

/// <summary>Every error id the module emits. They are part of the public contract: scripts match on them.</summary>
public static class ErrorIds
{
    public const string InvalidClusterName = "InvalidClusterName";
    public const string ClusterNotFound = "ClusterNotFound";
    public const string ClusterExists = "ClusterExists";
    public const string ClusterIncomplete = "ClusterIncomplete";
    public const string ReplicaNotFound = "ReplicaNotFound";
    public const string UnknownZone = "UnknownZone";
    public const string ZoneRequiresMultiZone = "ZoneRequiresMultiZone";
    public const string ReplicaLimitReached = "ReplicaLimitReached";
    public const string ProviderNotAvailable = "ProviderNotAvailable";
    public const string ProviderParameterNotSupported = "ProviderParameterNotSupported";
    public const string InvalidProviderSetting = "InvalidProviderSetting";
    public const string VersionChangeRefused = "VersionChangeRefused";
    public const string PlatformNotSupported = "PlatformNotSupported";
    public const string ComponentNotInstalled = "ComponentNotInstalled";
    public const string CloudProjectMissing = "CloudProjectMissing";
    public const string CloudCredentialsMissing = "CloudCredentialsMissing";
    public const string StateCorrupt = "StateCorrupt";
    public const string StorageFailed = "StorageFailed";
    public const string ClusterBusy = "ClusterBusy";
    public const string ClusterUnhealthy = "ClusterUnhealthy";
    public const string QuorumWouldBeLost = "QuorumWouldBeLost";
    public const string LastReplica = "LastReplica";
    public const string MembershipChangeInProgress = "MembershipChangeInProgress";
    public const string AddressUnavailable = "AddressUnavailable";
    public const string ProcessStartFailed = "ProcessStartFailed";
    public const string ComponentFailed = "ComponentFailed";
    public const string CloudApiFailed = "CloudApiFailed";
    public const string EtcdRequestFailed = "EtcdRequestFailed";
    public const string ConnectionFailed = "ConnectionFailed";
    public const string PromotionTimedOut = "PromotionTimedOut";
    public const string ReplicaNotReady = "ReplicaNotReady";
    public const string ReplicaDataLost = "ReplicaDataLost";
    public const string BackupFailed = "BackupFailed";
    public const string BackupPathNotWritable = "BackupPathNotWritable";
    public const string BackupNotFound = "BackupNotFound";
    public const string ClusterHasQuorum = "ClusterHasQuorum";
    public const string BackupInvalid = "BackupInvalid";
    public const string BackupOfAnotherCluster = "BackupOfAnotherCluster";
    public const string NoRestoreSource = "NoRestoreSource";
    public const string InvalidCertificateValidity = "InvalidCertificateValidity";
    public const string KubeConfigInvalid = "KubeConfigInvalid";
    public const string InvalidEtcdQuota = "InvalidEtcdQuota";
    public const string KubeConfigNotWritable = "KubeConfigNotWritable";
    public const string OperationTimedOut = "OperationTimedOut";
    public const string ConfirmationNotPossible = "ConfirmationNotPossible";
    public const string UnexpectedError = "UnexpectedError";
}
