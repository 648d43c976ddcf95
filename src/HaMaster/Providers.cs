using HaMaster.Engine.Errors;
using HaMaster.Engine.Model;
using HaMaster.Engine.Providers;
using HaMaster.Engine.State;
using HaMaster.Gce;
using HaMaster.Local;

namespace HaMaster;

/// <summary>The providers this version ships, by kind.</summary>
internal static class Providers
{
    public static IReplicaProvider Create(ProviderKind kind, StateDirectory home) => kind switch
    {
        ProviderKind.Local => new LocalProvider(home),
        ProviderKind.Gce => new GceProvider(home, options: GceOptionsFromEnvironment()),
        _ => throw new HaException(ErrorIds.ProviderNotAvailable,
            $"The {kind} provider is not available in this version of HaMaster.",
            "Use -Provider Local (the default).", kind.ToString()),
    };

    /// <summary>
    /// Settings of the Gce provider that no parameter carries yet: HAMASTER_GCE_ETCD_ACCESS
    /// (Ssh, the default, or Internal when this machine is inside the VPC) and HAMASTER_GCE_SUBNET_RANGE
    /// (the CIDR replicas' internal addresses come from, for custom networks).
    /// </summary>
    private static GceProviderOptions GceOptionsFromEnvironment()
    {
        var options = new GceProviderOptions();
        if (Enum.TryParse<GceEtcdAccess>(Environment.GetEnvironmentVariable("HAMASTER_GCE_ETCD_ACCESS"), ignoreCase: true, out var access))
            options.EtcdAccess = access;
        if (Environment.GetEnvironmentVariable("HAMASTER_GCE_SUBNET_RANGE") is { Length: > 0 } range)
            options.SubnetRange = range;
        return options;
    }
}
