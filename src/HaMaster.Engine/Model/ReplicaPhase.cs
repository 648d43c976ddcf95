namespace HaMaster.Engine.Model;

/// <summary>Where a replica is in its life, as recorded in the cluster state (not its live health).</summary>
public enum ReplicaPhase
{
    /// <summary>Being added: not yet a voting etcd member, not in the load balancer.</summary>
    Joining,
    /// <summary>A full member of the cluster.</summary>
    Active,
    /// <summary>Being removed: out of the load balancer, its etcd member about to go.</summary>
    Removing,
}
