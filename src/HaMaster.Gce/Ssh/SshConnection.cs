using System.Net.Sockets;
using HaMaster.Engine.Errors;
using Renci.SshNet;
using Renci.SshNet.Common;

namespace HaMaster.Gce.Ssh;

/// <summary>
/// What every SSH connection of the module shares: the module's key, the host key check (one of the
/// expected fingerprints, or trust on first use when none is expected) and its failures in words.
/// </summary>
internal sealed class SshConnection
{
    private readonly SshOptions _options;
    private readonly HashSet<string> _trusted;

    public SshConnection(SshOptions options)
    {
        _options = options;
        _trusted = new HashSet<string>(options.TrustedHostKeyFingerprints, StringComparer.Ordinal);
        Info = new ConnectionInfo(options.Host, options.Port, options.User,
            new PrivateKeyAuthenticationMethod(options.User, options.Key.CreatePrivateKeySource()))
        {
            Timeout = options.ConnectTimeout,
        };
    }

    public ConnectionInfo Info { get; }

    /// <summary>The fingerprint (OpenSSH form) of the host key the server presented; null before the key exchange.</summary>
    public string? PresentedHostKey { get; private set; }

    public bool TrustsOnFirstUse => _trusted.Count == 0;

    private string Target => $"{_options.User}@{_options.Host}:{_options.Port}";

    public void CheckHostKeyOf(BaseClient client) => client.HostKeyReceived += (_, e) =>
    {
        PresentedHostKey = "SHA256:" + e.FingerPrintSHA256;
        e.CanTrust = TrustsOnFirstUse || _trusted.Contains(PresentedHostKey);
    };

    /// <summary>A failure of this connection as the error the user sees.</summary>
    public Exception Translate(Exception e)
    {
        if (PresentedHostKey is not null && !TrustsOnFirstUse && !_trusted.Contains(PresentedHostKey))
            return new HaException(ErrorIds.EtcdRequestFailed,
                $"SSH to {Target} was refused by HaMaster: the server's host key {PresentedHostKey} is not the expected {string.Join(" or ", _trusted)}.",
                "If the replica was recreated, its host key changed: read its new host key from the instance's guest attributes (hostkeys/) and connect again; otherwise something else answers at that address.",
                _options.Host, e);
        return e switch
        {
            SshAuthenticationException => new HaException(ErrorIds.EtcdRequestFailed,
                $"SSH to {Target} refused HaMaster's key {_options.Key.Fingerprint}: {e.Message}",
                $"Check that the instance's ssh-keys metadata authorizes the module's key for '{_options.User}' and that the guest environment is running on the VM.",
                _options.Host, e),
            OperationCanceledException or SshOperationTimeoutException or TimeoutException => new HaException(ErrorIds.OperationTimedOut,
                $"SSH to {Target} did not complete within {_options.ConnectTimeout.TotalSeconds:0.#} s.",
                "Check that the VM is running and that a firewall rule admits SSH (tcp:22) from this machine.",
                _options.Host, e),
            SocketException socket => new HaException(ErrorIds.EtcdRequestFailed,
                $"SSH to {Target} failed: {socket.Message}",
                "Check that the VM is running and that a firewall rule admits SSH (tcp:22) from this machine.",
                _options.Host, e),
            SshException => new HaException(ErrorIds.EtcdRequestFailed,
                $"SSH to {Target} failed: {e.Message}",
                "Check that the VM is running and its SSH server accepts connections, then run the command again.",
                _options.Host, e),
            _ => e,
        };
    }
}
