using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using HaMaster.Engine.Errors;

namespace HaMaster.Completion;

/// <summary>Completes a replica's -Name with the replicas of the cluster given with -Cluster (else of every cluster).</summary>
public sealed class ReplicaNameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var store = CompletionSource.Store();
        var cluster = CompletionSource.Bound(fakeBoundParameters, "Cluster");
        var clusters = cluster is null ? store.ListClusterNames() : [cluster];
        var names = new List<string>();
        foreach (var name in clusters)
        {
            try
            {
                names.AddRange(store.Load(name).Replicas.Select(r => r.Name));
            }
            catch (HaException)
            {
                // An unknown or unreadable cluster offers nothing; the command itself will say why.
            }
        }
        return CompletionSource.Matching(names, wordToComplete);
    }
}
