using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Xunit;

namespace HaMaster.Gce.Tests.StandIn;

/// <summary>One request and response of a recorded KCC <c>_http.log</c>.</summary>
public sealed record HttpExchange(string Method, string Url, string RequestBody, int Status, string ResponseBody)
{
    public JsonObject Response => JsonNode.Parse(ResponseBody)!.AsObject();

    public override string ToString() => $"{Method} {Url} → {Status}";
}

/// <summary>
/// The recorded real Compute responses of the shared fixtures folder (never copied into the repository):
/// found next to the repository root (<c>../shared/fixtures/compute</c>), or next to the main working tree
/// when the tests run in a linked worktree.
/// </summary>
public static class ComputeFixtures
{
    private static readonly Lazy<string> Folder = new(Locate);

    public static string Directory => Folder.Value;

    private static string Locate()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "HaMaster.sln"))) dir = dir.Parent;
        Assert.True(dir is not null, "HaMaster.sln not found above the test binaries.");
        var roots = new List<string> { dir!.FullName };

        // In a linked worktree, .git is a file "gitdir: <main>/.git/worktrees/<name>"; the shared folder
        // sits next to the main working tree.
        var gitFile = Path.Combine(dir.FullName, ".git");
        if (File.Exists(gitFile))
        {
            var line = File.ReadAllText(gitFile).Trim();
            if (line.StartsWith("gitdir:", StringComparison.Ordinal))
            {
                var gitDir = new DirectoryInfo(Path.GetFullPath(line["gitdir:".Length..].Trim(), dir.FullName));
                var common = gitDir.Parent?.Parent; // <main>/.git
                if (common?.Parent is { } main) roots.Add(main.FullName);
            }
        }
        foreach (var root in roots)
        {
            var candidate = Path.GetFullPath(Path.Combine(root, "..", "shared", "fixtures", "compute"));
            if (System.IO.Directory.Exists(candidate)) return candidate;
        }
        Assert.Fail("The shared Compute fixtures (../shared/fixtures/compute next to the repository) were not found.");
        return "";
    }

    public static JsonObject Libcloud(string name) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(Directory, "libcloud", name + ".json")))!.AsObject();

    private static readonly Regex StatusLine = new(@"^(\d{3}) \S", RegexOptions.CultureInvariant);

    /// <summary>Parses a KCC log: entries separated by <c>---</c>, each a request block, a blank line, the status line, headers and the body.</summary>
    public static IReadOnlyList<HttpExchange> Kcc(string name)
    {
        var text = File.ReadAllText(Path.Combine(Directory, "kcc", name + "_http.log")).Replace("\r\n", "\n");
        var exchanges = new List<HttpExchange>();
        foreach (var entry in Regex.Split(text, @"\n---\n"))
        {
            var lines = entry.Trim('\n').Split('\n');
            if (lines.Length == 0 || lines[0].Length == 0) continue;
            var first = lines[0].Split(' ', 2);
            var statusIndex = Array.FindIndex(lines, 1, l => StatusLine.IsMatch(l));
            Assert.True(statusIndex > 0, $"No status line in an entry of {name}: {lines[0]}");

            var k = 1;
            while (k < statusIndex && lines[k].Length > 0) k++; // request headers
            var requestBody = string.Join("\n", lines[k..statusIndex]).Trim();

            var status = int.Parse(StatusLine.Match(lines[statusIndex]).Groups[1].Value);
            k = statusIndex + 1;
            while (k < lines.Length && lines[k].Length > 0) k++; // response headers
            var responseBody = string.Join("\n", lines[k..]).Trim();
            exchanges.Add(new HttpExchange(first[0], first[1], requestBody, status, responseBody));
        }
        return exchanges;
    }

    /// <summary>The response of the first exchange matching, as JSON.</summary>
    public static JsonObject KccResponse(string log, Func<HttpExchange, bool> match, int skip = 0)
    {
        var found = Kcc(log).Where(match).Skip(skip).FirstOrDefault();
        Assert.True(found is not null, $"No matching exchange in {log}.");
        return found!.Response;
    }

    public static bool Is(this HttpExchange e, string method, string urlPattern, int status = 200) =>
        e.Method == method && e.Status == status && Regex.IsMatch(e.Url.Split('?')[0], urlPattern);
}
