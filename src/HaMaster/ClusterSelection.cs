using System.Management.Automation;
using HaMaster.Engine.State;

namespace HaMaster;

/// <summary>Turns the names a user gave (with wildcards) into known cluster names; a plain name that matches nothing is an error.</summary>
internal static class ClusterSelection
{
    public static IReadOnlyList<string> Resolve(HaCmdlet cmdlet, IReadOnlyList<string> known, string[]? requested)
    {
        if (requested is null || requested.Length == 0) return known;
        var selected = new List<string>();
        foreach (var name in requested)
        {
            if (WildcardPattern.ContainsWildcardCharacters(name))
            {
                var pattern = new WildcardPattern(name, WildcardOptions.IgnoreCase);
                selected.AddRange(known.Where(pattern.IsMatch));
            }
            else if (known.Contains(name))
            {
                selected.Add(name);
            }
            else
            {
                cmdlet.WriteError(cmdlet.ToErrorRecord(ClusterStore.NotFound(name)));
            }
        }
        return selected.Distinct().ToList();
    }
}
