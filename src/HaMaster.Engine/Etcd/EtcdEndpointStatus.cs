namespace HaMaster.Engine.Etcd;

/// <summary>What one member says about itself (etcd's Maintenance.Status).</summary>
public sealed record EtcdEndpointStatus(ulong MemberId, ulong LeaderId, ulong RaftIndex, ulong RaftTerm, long DbSize, bool IsLearner, string Version, IReadOnlyList<string> Errors);
