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
    /// <summary>A provider of <paramref name="kind"/>; <paramref name="gceOptions"/> are the Gce settings of a new cluster (default: the defaults).</summary>
    public static IReplicaProvider Create(ProviderKind kind, StateDirectory home, GceProviderOptions? gceOptions = null) => kind switch
    {
        ProviderKind.Local => new LocalProvider(home),
        ProviderKind.Gce => new GceProvider(home, options: gceOptions),
        _ => throw new HaException(ErrorIds.ProviderNotAvailable,
            $"The {kind} provider is not available in this version of HaMaster.",
            "Use -Provider Local (the default).", kind.ToString()),
    };
}
