namespace HaMaster.Tests.Model;

/// <summary>One replica as the model sees it: its name (given by the cluster), its zone and whether its processes run.</summary>
public sealed record ModelReplica(string Name, string Zone, bool Running);
