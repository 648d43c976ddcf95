using System.Runtime.Versioning;
using HaMaster.Gce.Ssh;
using HaMaster.Gce.Tests.Bootstrap;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Utilities;
using Renci.SshNet;
using Xunit;

namespace HaMaster.Gce.Tests.Ssh;

[SupportedOSPlatform("linux")]
public sealed class SshKeyPairTests : IDisposable
{
    private readonly string _temp = Directory.CreateTempSubdirectory("hamaster-sshkey-").FullName;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    [Fact]
    public async Task A_generated_key_is_written_owner_only_in_a_format_OpenSSH_and_SSH_NET_both_read()
    {
        await DebianPackages.RequireAsync(PrivateSshd.KeyGen, "openssh-client");
        var key = SshKeyPair.Generate("hamaster");
        var file = Path.Combine(_temp, "id_ed25519");
        key.WritePrivateKey(file);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        Assert.StartsWith("-----BEGIN OPENSSH PRIVATE KEY-----\n", File.ReadAllText(file));

        // OpenSSH derives the same public key and fingerprint from the file.
        var publicKey = await ExternalProgram.RunAsync(PrivateSshd.KeyGen, ["-y", "-f", file], TimeSpan.FromSeconds(30));
        Assert.True(publicKey.ExitCode == 0, publicKey.Describe());
        Assert.Equal(string.Join(' ', key.PublicKey.Split(' ').Take(2)), string.Join(' ', publicKey.Output.Trim().Split(' ').Take(2)));
        var fingerprint = await ExternalProgram.RunAsync(PrivateSshd.KeyGen, ["-l", "-E", "sha256", "-f", file], TimeSpan.FromSeconds(30));
        Assert.True(fingerprint.ExitCode == 0, fingerprint.Describe());
        Assert.Equal(key.Fingerprint, fingerprint.Output.Split(' ')[1]);

        // SSH.NET reads the file as it is.
        using var sshNet = new PrivateKeyFile(file);
        Assert.Equal("ssh-ed25519", sshNet.Key.ToString());

        var loaded = SshKeyPair.Load(file);
        Assert.Equal(key.PublicKey, loaded.PublicKey);
        Assert.Equal(key.Fingerprint, loaded.Fingerprint);
    }

    [Fact]
    public async Task A_key_written_by_ssh_keygen_loads_with_the_fingerprint_OpenSSH_gives_it()
    {
        await DebianPackages.RequireAsync(PrivateSshd.KeyGen, "openssh-client");
        var file = Path.Combine(_temp, "from-ssh-keygen");
        var keygen = await ExternalProgram.RunAsync(PrivateSshd.KeyGen, ["-q", "-t", "ed25519", "-N", "", "-f", file], TimeSpan.FromSeconds(30));
        Assert.True(keygen.ExitCode == 0, keygen.Describe());
        var fingerprint = await ExternalProgram.RunAsync(PrivateSshd.KeyGen, ["-l", "-E", "sha256", "-f", file], TimeSpan.FromSeconds(30));

        Assert.Equal(fingerprint.Output.Split(' ')[1], SshKeyPair.Load(file).Fingerprint);
    }

    [Fact]
    public void The_public_forms_carry_no_private_material()
    {
        var key = SshKeyPair.Generate("hamaster");
        var file = Path.Combine(_temp, "id");
        key.WritePrivateKey(file);
        var blob = Convert.FromBase64String(string.Concat(File.ReadAllLines(file).Where(l => !l.StartsWith("-----", StringComparison.Ordinal))));
        var seed = ((Ed25519PrivateKeyParameters)OpenSshPrivateKeyUtilities.ParsePrivateKeyBlob(blob)).GetEncoded();

        Assert.Matches("^ssh-ed25519 [A-Za-z0-9+/]+=* hamaster$", key.AuthorizedKeysLine);
        Assert.Equal($"hamaster:{key.PublicKey}", key.GceSshKeysEntry("hamaster"));
        Assert.Equal($"ssh-ed25519 {key.Fingerprint} hamaster", key.ToString());
        foreach (var text in new[] { key.ToString(), key.PublicKey, key.GceSshKeysEntry("hamaster") })
        {
            Assert.DoesNotContain(Convert.ToBase64String(seed)[..16], text);
            Assert.DoesNotContain(Convert.ToHexString(seed)[..16], text, StringComparison.OrdinalIgnoreCase);
            Assert.False(Convert.FromBase64String(key.PublicKey.Split(' ')[1]).AsSpan().IndexOf(seed.AsSpan(0, 8)) >= 0);
        }
        Assert.NotEqual(key.PublicKey, SshKeyPair.Generate("hamaster").PublicKey);
    }

    [Theory]
    [InlineData("two words")]
    [InlineData("line\nbreak")]
    [InlineData("")]
    public void A_comment_or_user_that_would_break_an_authorized_keys_line_is_refused(string text)
    {
        Assert.Throws<ArgumentException>(() => SshKeyPair.Generate(text));
        Assert.Throws<ArgumentException>(() => SshKeyPair.Generate().GceSshKeysEntry(text));
    }
}
