namespace HaMaster.Engine.Model;

/// <summary>Whether a replica's machinery is there and running (processes on Local, the VM on Gce).</summary>
public enum ReplicaStatus
{
    Running,
    /// <summary>Some but not all of the replica's processes run.</summary>
    Partial,
    Stopped,
    /// <summary>The state knows the replica but the provider has no trace of it.</summary>
    Missing,
    Joining,
    Removing,
}
