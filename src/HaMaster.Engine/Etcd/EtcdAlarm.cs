namespace HaMaster.Engine.Etcd;

/// <summary>
/// An alarm etcd raised (Maintenance.Alarm): the member that raised it and its type. etcd keeps one
/// list for the whole cluster, and every member answers with all of it.
/// </summary>
public sealed record EtcdAlarm(ulong MemberId, string Type)
{
    /// <summary>A member's database reached its backend quota: the cluster accepts reads and deletes, no writes.</summary>
    public const string NoSpace = "NOSPACE";

    /// <summary>A member's data differs from the others' (found by the corruption check).</summary>
    public const string Corrupt = "CORRUPT";
}
