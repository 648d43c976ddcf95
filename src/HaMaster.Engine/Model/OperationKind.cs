namespace HaMaster.Engine.Model;

public enum OperationKind
{
    CreateCluster,
    AddReplica,
    RemoveReplica,
    RemoveCluster,
    RestoreCluster,
    RenewCertificates,
    Defragment,
    Rollout,
}
