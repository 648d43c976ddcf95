namespace HaMaster.Local.LoadBalancer;

public enum BackendState
{
    /// <summary>The last health checks passed: the backend receives new connections.</summary>
    Up,
    /// <summary>Health checks failed (not ready, unreachable, or its certificate did not verify).</summary>
    Down,
    /// <summary>Taken out of rotation by an operator (drained).</summary>
    Maintenance,
    /// <summary>No health check has completed yet, or HAProxy reported a state this type does not model.</summary>
    Unknown,
}
