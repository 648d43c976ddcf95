namespace HaMaster.Gce.Tests.Compute;

/// <summary>
/// Finds the recorded Compute fixtures in the shared folder beside the repository
/// (<c>&lt;root&gt;/../shared/fixtures/compute</c>); they are read in place, never copied into the repo.
/// A checkout made elsewhere finds it beside the repository it was cloned from, beside the main
/// worktree of a linked worktree, or beside one of its parent folders.
/// </summary>
internal static class SharedFixtures
{
    private static readonly Lazy<string> Directory_ = new(Locate);

    public static string ComputeDirectory => Directory_.Value;

    public static string Libcloud(string name) => Path.Combine(ComputeDirectory, "libcloud", name);

    public static string Kcc(string name) => Path.Combine(ComputeDirectory, "kcc", name);

    public static string ReadLibcloud(string name) => File.ReadAllText(Libcloud(name));

    public static IEnumerable<string> LibcloudFiles() =>
        Directory.GetFiles(Path.Combine(ComputeDirectory, "libcloud"), "*.json").Order(StringComparer.Ordinal);

    public static IEnumerable<string> KccFiles() =>
        Directory.GetFiles(Path.Combine(ComputeDirectory, "kcc"), "*_http.log").Order(StringComparer.Ordinal);

    private static string Locate()
    {
        var root = RepoRoot();
        var candidates = new[] { root, MainWorktree(root), ClonedFrom(root) }
            .Concat(Ancestors(root));
        foreach (var candidate in candidates)
        {
            if (candidate is null)
                continue;
            var dir = Path.GetFullPath(Path.Combine(candidate, "..", "shared", "fixtures", "compute"));
            if (Directory.Exists(dir))
                return dir;
        }
        throw new DirectoryNotFoundException(
            $"The shared Compute fixtures were not found beside the repository at '{root}' (expected ../shared/fixtures/compute).");
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "HaMaster.sln")))
                return dir.FullName;
        throw new DirectoryNotFoundException("HaMaster.sln was not found above the test assembly.");
    }

    private static IEnumerable<string> Ancestors(string root)
    {
        for (var dir = Directory.GetParent(root); dir is not null; dir = dir.Parent)
            yield return dir.FullName;
    }

    /// <summary>For a clone of a local repository, that repository's folder (its origin URL is a path).</summary>
    private static string? ClonedFrom(string root)
    {
        var config = Path.Combine(root, ".git", "config");
        if (!File.Exists(config))
            return null;
        var url = File.ReadLines(config).Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith("url = ", StringComparison.Ordinal))?["url = ".Length..];
        if (url is null || url.Contains("://", StringComparison.Ordinal))
            return null;
        url = url.StartsWith("file:", StringComparison.Ordinal) ? url["file:".Length..] : url;
        return Path.GetFullPath(url.EndsWith(".git", StringComparison.Ordinal) && !Directory.Exists(Path.Combine(url, ".git")) ? Path.GetDirectoryName(url)! : url, root);
    }

    /// <summary>For a linked worktree (<c>.git</c> is a file naming its gitdir), the main worktree's folder.</summary>
    private static string? MainWorktree(string root)
    {
        var dotGit = Path.Combine(root, ".git");
        if (!File.Exists(dotGit))
            return null;
        var line = File.ReadLines(dotGit).FirstOrDefault(l => l.StartsWith("gitdir:", StringComparison.Ordinal));
        if (line is null)
            return null;
        var gitDir = Path.GetFullPath(Path.Combine(root, line["gitdir:".Length..].Trim()));
        var commonDirFile = Path.Combine(gitDir, "commondir");
        var commonDir = File.Exists(commonDirFile)
            ? Path.GetFullPath(Path.Combine(gitDir, File.ReadAllText(commonDirFile).Trim()))
            : Path.GetFullPath(Path.Combine(gitDir, "..", ".."));
        return Path.GetDirectoryName(commonDir.TrimEnd(Path.DirectorySeparatorChar));
    }
}
