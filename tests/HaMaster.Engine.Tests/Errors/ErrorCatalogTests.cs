using System.Net.Sockets;
using System.Reflection;
using System.Security.Authentication;
using Grpc.Core;
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

    [Fact]
    public void Connection_grpc_storage_and_component_failures_each_get_their_own_id_and_advice()
    {
        var tls = FailureTranslator.Translate(new HttpRequestException("The SSL connection could not be established, see inner exception.",
            new AuthenticationException("The remote certificate is invalid because of errors in the certificate chain: UntrustedRoot")), "demo");
        Assert.Equal(ErrorIds.ConnectionFailed, tls.ErrorId);
        Assert.Contains("UntrustedRoot", tls.Message);
        Assert.Contains("Update-HaCertificate", tls.RecommendedAction);

        var reset = FailureTranslator.Translate(new IOException("Unable to read data from the transport connection.", new SocketException((int)SocketError.ConnectionReset)), "demo");
        Assert.Equal(ErrorIds.ConnectionFailed, reset.ErrorId);
        Assert.Contains("Unable to read data from the transport connection. Connection reset by peer.", reset.Message);

        var grpc = FailureTranslator.Translate(new RpcException(new Status(StatusCode.Unavailable, "connection refused")), "demo");
        Assert.Equal(ErrorIds.EtcdRequestFailed, grpc.ErrorId);
        Assert.Equal("An etcd request failed (Unavailable): connection refused", grpc.Message);

        var disk = FailureTranslator.Translate(new IOException("No space left on device : '/srv/backups/a.db'"), "demo");
        Assert.Equal(ErrorIds.StorageFailed, disk.ErrorId);
        Assert.StartsWith("Check that the file or folder named above can be written", disk.RecommendedAction);

        var component = FailureTranslator.Translate(new InvalidOperationException("HAProxy refused 'disable server': No such server."), "demo");
        Assert.Equal(ErrorIds.ComponentFailed, component.ErrorId);
        Assert.DoesNotContain("log quoted above", component.RecommendedAction);

        Assert.Equal(ErrorIds.UnexpectedError, FailureTranslator.Translate(new ObjectDisposedException("EtcdGateway"), "demo").ErrorId);
    }

    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
            if (File.Exists(Path.Combine(folder.FullName, "HaMaster.sln"))) return folder.FullName;
        throw new InvalidOperationException("The tests run outside the repository.");
    }
}
