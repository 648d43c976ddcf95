namespace HaMaster.Engine.Model;

public enum OperationKind
{
    CreateCluster,
    AddReplica,
    RemoveReplica,
    RepairReplica,
    RemoveCluster,
    RestoreCluster,
    RenewCertificates,
    Defragment,
    Rollout,
}
