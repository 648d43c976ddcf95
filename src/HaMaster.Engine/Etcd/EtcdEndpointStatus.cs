namespace HaMaster.Engine.Etcd;

/// <summary>What one member says about itself (etcd's Maintenance.Status).</summary>
public sealed record EtcdEndpointStatus(ulong MemberId, ulong LeaderId, ulong RaftIndex, ulong RaftTerm, long DbSize, bool IsLearner, string Version, IReadOnlyList<string> Errors)
{
    /// <summary>The store revision the member has applied (answered without quorum, so a survivor can tell how fresh its data is).</summary>
    public long Revision { get; init; }

    /// <summary>The part of <see cref="DbSize"/> that holds data; the rest is free pages only a defragmentation gives back to the disk.</summary>
    public long DbSizeInUse { get; init; }
}
