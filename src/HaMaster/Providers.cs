using HaMaster.Engine.Errors;
using HaMaster.Engine.Model;
using HaMaster.Engine.Providers;
using HaMaster.Engine.State;
using HaMaster.Local;

namespace HaMaster;

/// <summary>The providers this version ships, by kind.</summary>
internal static class Providers
{
    public static IReplicaProvider Create(ProviderKind kind, StateDirectory home) => kind switch
    {
        ProviderKind.Local => new LocalProvider(home),
        _ => throw new HaException(ErrorIds.ProviderNotAvailable,
            $"The {kind} provider is not available in this version of HaMaster.",
            "Use -Provider Local (the default).", kind.ToString()),
    };
}
