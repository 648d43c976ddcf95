using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using HaMaster.Engine.Certificates;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Utilities;
using Org.BouncyCastle.Security;
using Renci.SshNet;

namespace HaMaster.Gce.Ssh;

/// <summary>
/// The module's own SSH identity: an Ed25519 key pair generated here (BouncyCastle), the private key
/// in OpenSSH's format (what <c>ssh-keygen</c> writes and SSH.NET reads), the public key as an
/// <c>authorized_keys</c> line. The private key is written owner-only and never shown: it is not in
/// <see cref="ToString"/>, and only the tunnel reads it.
/// </summary>
public sealed partial class SshKeyPair
{
    public const string KeyType = "ssh-ed25519";
    private const string PemLabel = "OPENSSH PRIVATE KEY";

    private readonly string _privateKeyPem;

    private SshKeyPair(string privateKeyPem, byte[] publicKeyBlob, string comment)
    {
        _privateKeyPem = privateKeyPem;
        Comment = comment;
        PublicKey = $"{KeyType} {Convert.ToBase64String(publicKeyBlob)} {comment}";
        Fingerprint = FingerprintOf(publicKeyBlob);
    }

    /// <summary>The public key as one <c>authorized_keys</c> line: <c>ssh-ed25519 AAAA… comment</c>.</summary>
    public string PublicKey { get; }

    /// <summary>The key's fingerprint as OpenSSH prints it: <c>SHA256:</c> and unpadded base64.</summary>
    public string Fingerprint { get; }

    public string Comment { get; }

    /// <summary>The line for <c>~/.ssh/authorized_keys</c>.</summary>
    public string AuthorizedKeysLine => PublicKey;

    /// <summary>
    /// An entry of Compute Engine's <c>ssh-keys</c> metadata (<c>USER:KEY</c>): the guest environment
    /// creates <paramref name="user"/> on the VM and authorizes this key for it.
    /// </summary>
    public string GceSshKeysEntry(string user)
    {
        RequireName(user, nameof(user));
        return $"{user}:{PublicKey}";
    }

    [GeneratedRegex("^[A-Za-z0-9._@-]{1,64}$")]
    private static partial Regex PlainName();

    /// <summary>A new Ed25519 key pair; <paramref name="comment"/> ends the public key line.</summary>
    public static SshKeyPair Generate(string comment = "hamaster")
    {
        RequireName(comment, nameof(comment));
        var generator = new Ed25519KeyPairGenerator();
        generator.Init(new Ed25519KeyGenerationParameters(new SecureRandom()));
        var pair = generator.GenerateKeyPair();
        var pem = ToPem(OpenSshPrivateKeyUtilities.EncodePrivateKey(pair.Private));
        return new SshKeyPair(pem, OpenSshPublicKeyUtilities.EncodePublicKey(pair.Public), comment);
    }

    /// <summary>Reads a key written by <see cref="WritePrivateKey"/> (or by <c>ssh-keygen -t ed25519 -N ''</c>).</summary>
    public static SshKeyPair Load(string privateKeyPath, string comment = "hamaster")
    {
        RequireName(comment, nameof(comment));
        var pem = File.ReadAllText(privateKeyPath);
        var match = Regex.Match(pem, $"-----BEGIN {PemLabel}-----(?<body>[A-Za-z0-9+/=\\s]+)-----END {PemLabel}-----");
        if (!match.Success)
            throw new InvalidDataException($"{privateKeyPath} is not an OpenSSH private key.");
        var blob = Convert.FromBase64String(Regex.Replace(match.Groups["body"].Value, "\\s", ""));
        if (OpenSshPrivateKeyUtilities.ParsePrivateKeyBlob(blob) is not Ed25519PrivateKeyParameters key)
            throw new InvalidDataException($"{privateKeyPath} does not hold an unencrypted Ed25519 key.");
        return new SshKeyPair(ToPem(blob), OpenSshPublicKeyUtilities.EncodePublicKey(key.GeneratePublicKey()), comment);
    }

    /// <summary>Writes the private key owner-only (0600), replacing any file atomically.</summary>
    public void WritePrivateKey(string path) => PemFile.WritePrivateKey(path, _privateKeyPem);

    /// <summary>The key as SSH.NET takes it.</summary>
    internal IPrivateKeySource CreatePrivateKeySource()
    {
        using var stream = new MemoryStream(Encoding.ASCII.GetBytes(_privateKeyPem));
        return new PrivateKeyFile(stream);
    }

    public override string ToString() => $"{KeyType} {Fingerprint} {Comment}";

    /// <summary>
    /// OpenSSH's fingerprint of a public key line (<c>type base64 [comment]</c>), such as a replica's
    /// host key from its guest attributes (<c>hostkeys/ssh-ed25519</c>): what
    /// <see cref="SshOptions.TrustedHostKeyFingerprints"/> expects.
    /// </summary>
    public static string FingerprintOfPublicKey(string publicKeyLine)
    {
        var parts = (publicKeyLine ?? "").Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length < 2) throw new FormatException("A public key line is '<type> <base64> [comment]'.");
        return FingerprintOf(Convert.FromBase64String(parts[1]));
    }

    /// <summary>OpenSSH's fingerprint of a public key blob (the SSH wire encoding).</summary>
    public static string FingerprintOf(byte[] publicKeyBlob) =>
        "SHA256:" + Convert.ToBase64String(SHA256.HashData(publicKeyBlob)).TrimEnd('=');

    private static string ToPem(byte[] blob)
    {
        var base64 = Convert.ToBase64String(blob);
        var text = new StringBuilder($"-----BEGIN {PemLabel}-----\n");
        for (var offset = 0; offset < base64.Length; offset += 70)
            text.Append(base64, offset, Math.Min(70, base64.Length - offset)).Append('\n');
        return text.Append($"-----END {PemLabel}-----\n").ToString();
    }

    private static void RequireName(string value, string parameter)
    {
        if (value is null || !PlainName().IsMatch(value))
            throw new ArgumentException("Use 1 to 64 letters, digits, dots, underscores, '@' or hyphens.", parameter);
    }
}
