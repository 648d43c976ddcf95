namespace HaMaster.Gce;

/// <summary>Where a cluster lives on Compute Engine: its project and region (replicas may use any zone of it).</summary>
public sealed record GceLocation(string Project, string Region);

/// <summary>A master VM: its instance name and zone.</summary>
public sealed record MasterInstance(string Name, string Zone);
