using System.Net;
using System.Net.Sockets;
using System.Text;
using HaMaster.Gce.Compute;
using Xunit;

namespace HaMaster.Gce.Tests.Compute;

/// <summary>The client over a real loopback HTTP connection with Google.Apis' own HTTP stack.</summary>
[Collection(ProcessEnvironmentCollection.Name)]
public sealed class LoopbackTests
{
    [Fact]
    public async Task Insert_retried_after_503_then_waited_over_a_real_socket()
    {
        using var env = new EnvironmentScope();
        var port = FreePort();
        using var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        var seen = new List<(string Method, string Url, string Body)>();
        var server = Task.Run(async () =>
        {
            for (var n = 0; n < 3; n++)
            {
                var context = await listener.GetContextAsync();
                using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
                seen.Add((context.Request.HttpMethod, context.Request.Url!.PathAndQuery, await reader.ReadToEndAsync()));
                var (status, body) = n switch
                {
                    0 => (503, StubCompute.Error(503, "backendError", "try again")),
                    1 => (200, StubCompute.Operation("op-9", "RUNNING", "regions/us-central1")),
                    _ => (200, StubCompute.Operation("op-9", "DONE", "regions/us-central1")),
                };
                var bytes = Encoding.UTF8.GetBytes(body);
                context.Response.StatusCode = status;
                context.Response.ContentType = "application/json; charset=UTF-8";
                await context.Response.OutputStream.WriteAsync(bytes);
                context.Response.Close();
            }
        });
        env.Set(ComputeEndpoint.OverrideVariable, $"http://127.0.0.1:{port}/compute/v1/");

        using var service = await ComputeService.CreateAsync(new ComputeServiceOptions
        {
            Retry = StubCompute.FastRetry(),
            OperationPollInterval = TimeSpan.Zero,
        });
        var operation = await service.Addresses.Insert("p", "us-central1", new Address { Name = "demo-master-ip" }).ExecuteAsync();
        var done = await service.WaitAsync(operation);
        await server.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.True(done.IsDone);
        Assert.Equal("POST", seen[0].Method);
        Assert.Equal(seen[0].Url, seen[1].Url);
        Assert.Equal("""{"name":"demo-master-ip"}""", seen[0].Body);
        Assert.Equal(seen[0].Body, seen[1].Body);
        Assert.StartsWith("/compute/v1/projects/p/regions/us-central1/addresses?requestId=", seen[0].Url);
        Assert.Equal("/compute/v1/projects/p/regions/us-central1/operations/op-9/wait", seen[2].Url);
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
