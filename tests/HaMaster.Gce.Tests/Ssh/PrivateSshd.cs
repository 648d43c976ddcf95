using System.Runtime.Versioning;
using HaMaster.Gce.Ssh;
using HaMaster.Gce.Tests.Bootstrap;
using HaMaster.TestSupport;
using Xunit;

namespace HaMaster.Gce.Tests.Ssh;

/// <summary>
/// A private OpenSSH server (Debian openssh-server) for one test: its own host key, on its own
/// loopback address, authorizing only the keys given, no passwords. Killed on dispose.
/// </summary>
[SupportedOSPlatform("linux")]
internal sealed class PrivateSshd : IDisposable
{
    public const string Program = "/usr/sbin/sshd";
    public const string KeyGen = "/usr/bin/ssh-keygen";
    public const int Port = 2222;

    private readonly BackgroundProcess _process;

    private PrivateSshd(string address, string hostKeyFingerprint, string hostPublicKey, BackgroundProcess process)
    {
        Address = address;
        HostKeyFingerprint = hostKeyFingerprint;
        HostPublicKey = hostPublicKey;
        _process = process;
    }

    public string Address { get; }
    /// <summary>The host key's fingerprint as ssh-keygen prints it.</summary>
    public string HostKeyFingerprint { get; }
    /// <summary>The host key's public line, as a replica's guest attributes give it.</summary>
    public string HostPublicKey { get; }
    public string User => Environment.UserName;
    public string Log => _process.Output;
    public BackgroundProcess Process => _process;

    public static async Task<PrivateSshd> StartAsync(string folder, params SshKeyPair[] authorized)
    {
        await DebianPackages.RequireAsync(Program, "openssh-server");
        await DebianPackages.RequireAsync(KeyGen, "openssh-client");
        Directory.CreateDirectory(folder);

        var hostKey = Path.Combine(folder, "ssh_host_ed25519_key");
        var keygen = await ExternalProgram.RunAsync(KeyGen, ["-q", "-t", "ed25519", "-N", "", "-C", "hamaster-test-host", "-f", hostKey], TimeSpan.FromSeconds(30));
        Assert.True(keygen.ExitCode == 0, keygen.Describe());
        var fingerprint = await ExternalProgram.RunAsync(KeyGen, ["-l", "-E", "sha256", "-f", hostKey + ".pub"], TimeSpan.FromSeconds(30));
        Assert.True(fingerprint.ExitCode == 0, fingerprint.Describe());

        var authorizedKeys = Path.Combine(folder, "authorized_keys");
        File.WriteAllLines(authorizedKeys, authorized.Select(k => k.AuthorizedKeysLine));
        File.SetUnixFileMode(authorizedKeys, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        // sshd refuses to start without its privilege separation folder, which the Debian package's
        // service would otherwise create at start.
        if (Environment.UserName == "root") Directory.CreateDirectory("/run/sshd");

        var address = LoopbackAddresses.Ssh.NextWithFree(Port).ToString();
        var config = Path.Combine(folder, "sshd_config");
        File.WriteAllText(config, $"""
            ListenAddress {address}:{Port}
            HostKey {hostKey}
            PidFile {Path.Combine(folder, "sshd.pid")}
            AuthorizedKeysFile {authorizedKeys}
            PubkeyAuthentication yes
            PasswordAuthentication no
            KbdInteractiveAuthentication no
            PermitRootLogin prohibit-password
            AllowTcpForwarding local
            StrictModes no
            UsePAM no
            LogLevel VERBOSE

            """);

        var process = new BackgroundProcess(Program, ["-D", "-e", "-f", config]);
        var sshd = new PrivateSshd(address, fingerprint.Output.Split(' ')[1], File.ReadAllText(hostKey + ".pub").Trim(), process);
        try
        {
            await process.WaitUntilAsync(() => TcpProbe.Accepts(address, Port), TimeSpan.FromSeconds(30), $"listener on {address}:{Port}");
            return sshd;
        }
        catch
        {
            sshd.Dispose();
            throw;
        }
    }

    public void Dispose() => _process.Dispose();
}
