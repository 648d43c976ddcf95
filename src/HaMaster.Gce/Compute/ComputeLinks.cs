namespace HaMaster.Gce.Compute;

/// <summary>
/// Resource links. The API answers links on other hosts and versions than the one called
/// (<c>https://www.googleapis.com/compute/v1/…</c>, sometimes <c>/compute/beta/…</c>), so resources are
/// compared by their <c>projects/…</c> tail, and request paths are built from project, scope and name:
/// a selfLink is never requested as given (that would go around an endpoint override).
/// </summary>
public static class ComputeLinks
{
    /// <summary>
    /// The <c>projects/…</c> tail of a link (full URL or partial), without query or trailing slash; null when
    /// the link names no project.
    /// </summary>
    public static string? Tail(string? link)
    {
        if (string.IsNullOrWhiteSpace(link))
            return null;
        var path = link.Trim();
        var query = path.IndexOfAny(['?', '#']);
        if (query >= 0)
            path = path[..query];
        path = path.TrimEnd('/');
        if (path.StartsWith("projects/", StringComparison.Ordinal))
            return path;
        var at = path.IndexOf("/projects/", StringComparison.Ordinal);
        return at < 0 ? null : path[(at + 1)..];
    }

    /// <summary>True when both links name the same resource (same <c>projects/…</c> tail), whatever their host and version.</summary>
    public static bool SameResource(string? a, string? b)
    {
        var ta = Tail(a);
        return ta is not null && string.Equals(ta, Tail(b), StringComparison.Ordinal);
    }

    /// <summary>The last segment of a link (the resource name).</summary>
    public static string? NameOf(string? link)
    {
        var path = Tail(link) ?? link?.Trim().TrimEnd('/');
        if (string.IsNullOrEmpty(path))
            return null;
        var slash = path.LastIndexOf('/');
        return slash < 0 ? path : path[(slash + 1)..];
    }

    /// <summary>The project a link names (<c>projects/{p}/…</c>).</summary>
    public static string? ProjectOf(string? link) => SegmentAfter(link, "projects");

    /// <summary>The zone a link names (<c>…/zones/{z}[/…]</c>).</summary>
    public static string? ZoneOf(string? link) => SegmentAfter(link, "zones");

    /// <summary>The region a link names (<c>…/regions/{r}[/…]</c>).</summary>
    public static string? RegionOf(string? link) => SegmentAfter(link, "regions");

    /// <summary><c>projects/{project}/global/{collection}/{name}</c></summary>
    public static string Global(string project, string collection, string name) =>
        $"projects/{project}/global/{collection}/{name}";

    /// <summary><c>projects/{project}/zones/{zone}/{collection}/{name}</c></summary>
    public static string Zonal(string project, string zone, string collection, string name) =>
        $"projects/{project}/zones/{zone}/{collection}/{name}";

    /// <summary><c>projects/{project}/regions/{region}/{collection}/{name}</c></summary>
    public static string Regional(string project, string region, string collection, string name) =>
        $"projects/{project}/regions/{region}/{collection}/{name}";

    public static string Instance(string project, string zone, string name) => Zonal(project, zone, "instances", name);
    public static string Address(string project, string region, string name) => Regional(project, region, "addresses", name);
    public static string TargetPool(string project, string region, string name) => Regional(project, region, "targetPools", name);
    public static string HttpHealthCheck(string project, string name) => Global(project, "httpHealthChecks", name);
    public static string Network(string project, string name) => Global(project, "networks", name);

    /// <summary>A full URL for a tail, on the service's own base URI (for bodies that want full URLs).</summary>
    public static string Absolute(string baseUri, string tail)
    {
        var root = baseUri.EndsWith('/') ? baseUri : baseUri + "/";
        return root + (Tail(tail) ?? tail.TrimStart('/'));
    }

    /// <summary>
    /// A REST path from segments, each checked (not empty, no slash) and escaped. Used for every request,
    /// so a name can never reach another path.
    /// </summary>
    internal static string Path(params string[] segments)
    {
        for (var i = 0; i < segments.Length; i++)
        {
            var segment = segments[i];
            if (string.IsNullOrWhiteSpace(segment))
                throw new ArgumentException("A Compute project, zone, region or resource name is empty.");
            if (segment.Contains('/'))
                throw new ArgumentException($"'{segment}' is a link, not a name: give the resource's name.");
            segments[i] = Uri.EscapeDataString(segment);
        }
        return string.Join('/', segments);
    }

    private static string? SegmentAfter(string? link, string collection)
    {
        var tail = Tail(link);
        if (tail is null)
            return null;
        var parts = tail.Split('/');
        for (var i = 0; i + 1 < parts.Length; i += 1)
            if (parts[i] == collection && parts[i + 1].Length > 0)
                return parts[i + 1];
        return null;
    }
}
