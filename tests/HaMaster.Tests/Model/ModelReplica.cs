namespace HaMaster.Tests.Model;

/// <summary>One replica as the model sees it: its name (given by the cluster), its zone, whether its processes run and whether its etcd data is gone.</summary>
public sealed record ModelReplica(string Name, string Zone, bool Running, bool DataLost = false);
