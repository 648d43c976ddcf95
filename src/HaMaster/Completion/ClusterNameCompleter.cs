using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace HaMaster.Completion;

/// <summary>Completes -Cluster (and Get-/Remove-HaCluster's -Name) with the clusters this session knows.</summary>
public sealed class ClusterNameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
        CompletionSource.Matching(CompletionSource.Store().ListClusterNames(), wordToComplete);
}
