using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using HaMaster.Engine;
using HaMaster.Engine.Errors;
using HaMaster.Engine.Model;

namespace HaMaster.Completion;

/// <summary>
/// Completes -Zone with the zones of the cluster's provider (for a cloud provider, the zones of
/// the cluster's region, which may need an API call: cached, and never waited on for more than 1 s).
/// </summary>
public sealed class ZoneCompleter : IArgumentCompleter
{
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(1);
    private static readonly TimeBoxedCache<IReadOnlyList<string>> Cache = new(TimeSpan.FromMinutes(10));

    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var store = CompletionSource.Store();
        var kind = ProviderKind.Local;
        string? clusterZone = null;
        var project = CompletionSource.Bound(fakeBoundParameters, "Project");
        try
        {
            if (CompletionSource.Bound(fakeBoundParameters, "Cluster") is { } cluster)
            {
                var state = store.Load(cluster);
                (kind, project, clusterZone) = (state.Provider, state.Project, state.Zone);
            }
            else if (CompletionSource.Bound(fakeBoundParameters, "Provider") is { } provider && !Enum.TryParse(provider, ignoreCase: true, out kind))
            {
                return [];
            }
        }
        catch (HaException)
        {
            return [];
        }
        var zones = Cache.Get($"{kind}/{project}/{clusterZone}", () => ZonesOfAsync(kind, store, project, clusterZone), Budget);
        return CompletionSource.Matching(zones ?? [], wordToComplete);
    }

    private static async Task<IReadOnlyList<string>> ZonesOfAsync(ProviderKind kind, Engine.State.ClusterStore store, string? project, string? clusterZone)
    {
        var provider = Providers.Create(kind, store.Directory);
        try
        {
            return await provider.ZonesAsync(project, clusterZone, CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            (provider as IDisposable)?.Dispose();
        }
    }
}
