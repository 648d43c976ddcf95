using System.Reflection;
using HaMaster.Engine.Errors;
using HaMaster.Engine.Etcd;
using Xunit;

namespace HaMaster.Engine.Tests.Errors;

public sealed class ErrorCatalogTests
{
    [Fact]
    public void Every_error_id_has_one_catalog_entry_and_the_catalog_nothing_else()
    {
        var ids = typeof(ErrorIds).GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => (string)f.GetValue(null)!).ToList();
        Assert.Equal(ids.Order(), ErrorCatalog.All.Select(d => d.Id).Order());
        Assert.All(ErrorCatalog.All, d => Assert.False(string.IsNullOrWhiteSpace(d.Meaning)));
    }

    [Fact]
    public void The_documented_error_table_is_the_catalog()
    {
        var docs = File.ReadAllLines(Path.Combine(RepositoryRoot(), "docs", "errors.md"));
        var rows = docs.Where(l => l.StartsWith("| `", StringComparison.Ordinal))
            .Select(l => l.Trim('|').Split('|', 3).Select(c => c.Trim()).ToArray())
            .Select(c => new ErrorDefinition(c[0].Trim('`'), Enum.Parse<HaErrorCategory>(c[1]), c[2]))
            .ToList();
        Assert.Equal(ErrorCatalog.All, rows);
    }

    [Fact]
    public void Wrapped_failures_reach_the_user_as_their_inner_failure_with_a_target_and_an_action()
    {
        var refused = new HaException(ErrorIds.LastReplica, "Refused.", "Use Remove-HaCluster.", "demo/demo-master");
        Assert.Same(refused, FailureTranslator.Translate(new AggregateException(refused), "demo"));

        var timeout = FailureTranslator.Translate(new AggregateException(new AggregateException(new TimeoutException("HAProxy did not answer."))), "demo");
        Assert.Equal(ErrorIds.OperationTimedOut, timeout.ErrorId);
        Assert.Equal("demo", timeout.Target);

        var two = FailureTranslator.Translate(new AggregateException(new IOException("disk full"), new IOException("disk full")), "demo");
        Assert.Equal(ErrorIds.StorageFailed, two.ErrorId);
        Assert.Contains("1 more failure", two.Message);

        var etcd = FailureTranslator.Translate(new TargetInvocationException(new EtcdRequestException("https://127.0.0.2:2379", "member remove", "no answer within 3 s")), "demo");
        Assert.Equal(ErrorIds.EtcdRequestFailed, etcd.ErrorId);
        Assert.Equal("https://127.0.0.2:2379", etcd.Target);

        var missing = FailureTranslator.Translate(new FileNotFoundException("Could not load file or assembly 'X, Version=8.0.0.0'.", "X, Version=8.0.0.0, Culture=neutral"), "demo");
        Assert.Equal(ErrorIds.UnexpectedError, missing.ErrorId);
        Assert.Contains("Reinstall", missing.RecommendedAction);

        foreach (var failure in new Exception[] { new InvalidOperationException("HAProxy exited."), new UnauthorizedAccessException("denied"), new FormatException("odd") })
        {
            var translated = FailureTranslator.Translate(new AggregateException(failure), "demo");
            Assert.Equal("demo", translated.Target);
            Assert.False(string.IsNullOrWhiteSpace(translated.RecommendedAction));
            Assert.DoesNotContain("One or more errors occurred", translated.Message);
        }
    }

    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
            if (File.Exists(Path.Combine(folder.FullName, "HaMaster.sln"))) return folder.FullName;
        throw new InvalidOperationException("The tests run outside the repository.");
    }
}
