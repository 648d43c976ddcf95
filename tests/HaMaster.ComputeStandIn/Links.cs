using System.Text.RegularExpressions;

namespace HaMaster.Testing.Compute;

internal enum ScopeKind { Global, Region, Zone }

/// <summary>Where a resource lives: <c>global</c>, <c>regions/r</c> or <c>zones/z</c>.</summary>
internal readonly record struct Scope(ScopeKind Kind, string Name)
{
    public static readonly Scope Global = new(ScopeKind.Global, "");

    public static Scope Region(string name) => new(ScopeKind.Region, name);

    public static Scope Zone(string name) => new(ScopeKind.Zone, name);

    public string Path => Kind switch
    {
        ScopeKind.Region => $"regions/{Name}",
        ScopeKind.Zone => $"zones/{Name}",
        _ => "global",
    };

    public string OperationsCall => Kind switch
    {
        ScopeKind.Region => "regionOperations",
        ScopeKind.Zone => "zoneOperations",
        _ => "globalOperations",
    };

    public override string ToString() => Path;
}

/// <summary>A reference to a resource: project, scope, collection and name.</summary>
internal readonly record struct ResourceRef(string Project, Scope Scope, string Collection, string Name)
{
    public string Path => Links.Path(Project, Scope, Collection, Name);
}

internal static class Links
{
    /// <summary>The name pattern of the generated clients' parameter validation.</summary>
    public const string NamePattern = "[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?";

    /// <summary>Path parameters may be a name or a numeric id.</summary>
    public const string PathParameterPattern = "[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?|[1-9][0-9]{0,19}";

    private static readonly Regex NameRegex = new($"^(?:{NamePattern})$", RegexOptions.CultureInvariant);
    private static readonly Regex PathParameterRegex = new($"^(?:{PathParameterPattern})$", RegexOptions.CultureInvariant);

    public static bool IsValidName(string name) => NameRegex.IsMatch(name);

    public static bool IsValidPathParameter(string name) => PathParameterRegex.IsMatch(name);

    public static string Path(string project, Scope scope, string collection, string name) =>
        $"projects/{project}/{scope.Path}/{collection}/{name}";

    public static string ScopePath(string project, Scope scope) =>
        scope.Kind == ScopeKind.Global ? $"projects/{project}/global" : $"projects/{project}/{scope.Path}";

    /// <summary>
    /// Parses a reference given in a request body. Accepted forms: a full URL on any host and API
    /// version (<c>https://www.googleapis.com/compute/beta/projects/p/zones/z/instances/i</c>),
    /// <c>projects/p/…</c>, or a project-relative path (<c>zones/z/instances/i</c>, <c>global/networks/n</c>).
    /// </summary>
    public static bool TryParse(string value, string defaultProject, out ResourceRef r)
    {
        r = default;
        if (string.IsNullOrWhiteSpace(value)) return false;
        var s = value.Trim();
        var at = s.IndexOf("/projects/", StringComparison.Ordinal);
        if (s.Contains("://", StringComparison.Ordinal))
        {
            if (at < 0) return false;
            s = s[(at + 1)..];
        }
        s = s.TrimStart('/');
        var parts = s.Split('/');
        var project = defaultProject;
        var i = 0;
        if (parts.Length >= 2 && parts[0] == "projects")
        {
            project = parts[1];
            i = 2;
        }
        if (parts.Length - i < 3) return false;
        Scope scope;
        switch (parts[i])
        {
            case "global":
                scope = Scope.Global;
                i += 1;
                break;
            case "regions" when parts.Length - i >= 4:
                scope = Scope.Region(parts[i + 1]);
                i += 2;
                break;
            case "zones" when parts.Length - i >= 4:
                scope = Scope.Zone(parts[i + 1]);
                i += 2;
                break;
            default:
                return false;
        }
        if (parts.Length - i != 2) return false;
        if (parts[i].Length == 0 || parts[i + 1].Length == 0) return false;
        r = new ResourceRef(project, scope, parts[i], parts[i + 1]);
        return true;
    }
}
