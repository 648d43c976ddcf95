using System.Net;
using System.Text.Json;
using HaMaster.TestSupport;
using Xunit;

namespace HaMaster.Engine.Tests.Endpoint;

/// <summary>
/// Writes an endpoint config and runs HaMaster.Endpoint as a child process
/// (<c>dotnet HaMaster.Endpoint.dll --config FILE</c>), the way the Local provider launches it.
/// </summary>
public sealed class EndpointUnderTest : IDisposable
{
    public const int Port = 6443;

    private EndpointUnderTest(string configFile, ChildProcess process, TlsTestClient client)
    {
        ConfigFile = configFile;
        Process = process;
        Client = client;
    }

    public string ConfigFile { get; }
    public ChildProcess Process { get; }
    /// <summary>Trusts only the test CA that issued the endpoint's certificate.</summary>
    public TlsTestClient Client { get; }

    public static string EndpointDll => Path.Combine(AppContext.BaseDirectory, "HaMaster.Endpoint.dll");

    public static string Url(IPAddress address, string path) => $"https://{address}:{Port}{path}";

    public static IPEndPoint ListenAddress(IPAddress address) => new(address, Port);

    /// <summary>Config content as the launcher writes it; fields can be overridden for negative tests.</summary>
    public static Dictionary<string, object?> ConfigFor(EtcdTestMember etcd, PemPair serverCertificate, params IPAddress[] listen) => new()
    {
        ["replica"] = "test-master-" + listen[0].GetAddressBytes()[3],
        ["listen"] = listen.Select(address => $"{address}:{Port}").ToArray(),
        ["certFile"] = serverCertificate.CertFile,
        ["keyFile"] = serverCertificate.KeyFile,
        ["etcd"] = new Dictionary<string, object?>
        {
            ["endpoint"] = etcd.ClientUrl,
            ["caFile"] = etcd.Pki.CaFile,
            ["certFile"] = etcd.Certificate.CertFile,
            ["keyFile"] = etcd.Certificate.KeyFile,
        },
        ["gitVersion"] = "v1.31.0-hamaster-standin",
    };

    public static void WriteConfig(string configFile, Dictionary<string, object?> config)
    {
        // Written aside and renamed, so a reload never sees a half-written file.
        string temporary = configFile + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(config, new JsonSerializerOptions { WriteIndented = true }));
        File.Move(temporary, configFile, overwrite: true);
    }

    /// <summary>Starts the endpoint process; with <paramref name="waitUntilListening"/> waits for its "listening on" line.</summary>
    /// <param name="underNohup">Start it through <c>nohup</c>, as from a script run with <c>nohup pwsh</c>: SIGHUP then starts out ignored.</param>
    public static async Task<EndpointUnderTest> StartAsync(
        string workDirectory, Dictionary<string, object?> config, TestCertificateAuthority pki, bool waitUntilListening = true, bool underNohup = false)
    {
        string configFile = Path.Combine(workDirectory, $"endpoint-{Guid.NewGuid():N}.json");
        WriteConfig(configFile, config);
        return await StartWithConfigFileAsync(workDirectory, configFile, pki, waitUntilListening, underNohup);
    }

    public static async Task<EndpointUnderTest> StartWithConfigFileAsync(
        string workDirectory, string configFile, TestCertificateAuthority pki, bool waitUntilListening = true, bool underNohup = false)
    {
        string[] command = [DotnetHost.Executable, EndpointDll, "--config", configFile];
        if (underNohup) command = ["nohup", .. command];
        ChildProcess process = ChildProcess.Start(command[0], command[1..], workDirectory);
        var endpoint = new EndpointUnderTest(configFile, process, TlsTestClient.Trusting(pki.CaFile));
        if (waitUntilListening)
        {
            try
            {
                await Eventually.HoldsAsync("the endpoint prints 'listening on'", () =>
                {
                    if (process.HasExited)
                        Assert.Fail($"endpoint exited with {process.ExitCode}: {process.Stderr}");
                    return process.Stdout.Contains("listening on");
                });
            }
            catch
            {
                endpoint.Dispose();
                throw;
            }
        }
        return endpoint;
    }

    /// <summary>
    /// Waits for the first 200 from /readyz: on a loaded machine etcd's first linearizable read can
    /// take longer than the endpoint's one-second patience.
    /// </summary>
    public Task WaitUntilReadyAsync(IPAddress address) =>
        Eventually.HoldsAsync("/readyz is ok", async () =>
            (await Client.GetAsync(Url(address, "/readyz"))).Status == HttpStatusCode.OK);

    public void Dispose() => Process.Dispose();
}
