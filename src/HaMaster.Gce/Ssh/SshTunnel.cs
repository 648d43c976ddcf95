using System.Net;
using System.Net.Sockets;
using HaMaster.Engine.Errors;
using HaMaster.Engine.Model;
using Renci.SshNet;
using Renci.SshNet.Common;

namespace HaMaster.Gce.Ssh;

/// <summary>Where and how an <see cref="SshTunnel"/> connects, and what it forwards to.</summary>
public sealed record SshTunnelOptions
{
    /// <summary>The SSH server: a replica's external address (or internal, from inside the VPC).</summary>
    public required string Host { get; init; }
    public int Port { get; init; } = 22;
    public required string User { get; init; }
    public required SshKeyPair Key { get; init; }

    /// <summary>Where the replica sends forwarded connections: by default its own etcd client port on loopback.</summary>
    public string RemoteHost { get; init; } = "127.0.0.1";
    public int RemotePort { get; init; } = Ports.EtcdClient;

    /// <summary>
    /// The host key fingerprints (OpenSSH form, <c>SHA256:…</c>) the server may present. Empty means
    /// trust on first use: any host key is accepted and reported in
    /// <see cref="SshTunnel.HostKeyFingerprint"/>, so the caller can pin it for the next connection.
    /// What goes through the tunnel is still TLS with the etcd CA verified end to end, so a server
    /// that is not the replica learns nothing and can change nothing; it can only refuse service.
    /// </summary>
    public IReadOnlyCollection<string> TrustedHostKeyFingerprints { get; init; } = [];

    /// <summary>Bounds the TCP connect, the SSH handshake and authentication, each.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>Keeps NAT and firewall state alive and finds a dead connection.</summary>
    public TimeSpan KeepAliveInterval { get; init; } = TimeSpan.FromSeconds(15);
}

/// <summary>
/// A local port forwarded over SSH (SSH.NET) to a port on a replica, by default the replica's etcd
/// client port on its loopback: connect to <see cref="LocalEndPoint"/> (127.0.0.1, a free port) and
/// talk to etcd as if it were local. Disposing stops the forward, closes the local port and
/// disconnects.
/// </summary>
public sealed class SshTunnel : IDisposable
{
    private readonly SshClient _client;
    private readonly ForwardedPortLocal _forward;
    private int _localPort;
    private Exception? _lastError;
    private int _disposed;

    private SshTunnel(SshClient client, ForwardedPortLocal forward, string hostKeyFingerprint, bool trustedOnFirstUse, SshTunnelOptions options)
    {
        _client = client;
        _forward = forward;
        HostKeyFingerprint = hostKeyFingerprint;
        HostKeyTrustedOnFirstUse = trustedOnFirstUse;
        Options = options;
    }

    public SshTunnelOptions Options { get; }

    /// <summary>Where the forward listens on this machine: 127.0.0.1 and the port the system chose.</summary>
    public IPEndPoint LocalEndPoint => new(IPAddress.Loopback, _localPort);

    /// <summary>The fingerprint of the host key the server presented (OpenSSH form).</summary>
    public string HostKeyFingerprint { get; }

    /// <summary>True when no fingerprint was expected and the server's key was accepted as it came.</summary>
    public bool HostKeyTrustedOnFirstUse { get; }

    /// <summary>The last failure of a forwarded connection or of the SSH session, if any: for diagnostics.</summary>
    public Exception? LastError => Volatile.Read(ref _lastError);

    public bool IsOpen => Volatile.Read(ref _disposed) == 0 && _client.IsConnected && _forward.IsStarted;

    /// <summary>The forwarded endpoint as a URL, e.g. <c>https://127.0.0.1:40123</c> for etcd's client port.</summary>
    public string LocalUrl(string scheme = "https") => $"{scheme}://127.0.0.1:{LocalEndPoint.Port}";

    /// <summary>Connects, authenticates with the module's key, checks the host key and starts forwarding.</summary>
    public static async Task<SshTunnel> OpenAsync(SshTunnelOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.Host);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.User);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.RemoteHost);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Port, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.Port, 65535);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.RemotePort, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.RemotePort, 65535);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.ConnectTimeout, TimeSpan.Zero);
        var target = $"{options.User}@{options.Host}:{options.Port}";
        var trusted = new HashSet<string>(options.TrustedHostKeyFingerprints, StringComparer.Ordinal);
        string? presented = null;

        var connection = new ConnectionInfo(options.Host, options.Port, options.User,
            new PrivateKeyAuthenticationMethod(options.User, options.Key.CreatePrivateKeySource()))
        {
            Timeout = options.ConnectTimeout,
        };
        var client = new SshClient(connection) { KeepAliveInterval = options.KeepAliveInterval };
        client.HostKeyReceived += (_, e) =>
        {
            presented = "SHA256:" + e.FingerPrintSHA256;
            e.CanTrust = trusted.Count == 0 || trusted.Contains(presented);
        };

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        // Connect, key exchange and authentication, each bounded by ConnectTimeout, plus some slack.
        deadline.CancelAfter(options.ConnectTimeout * 3);
        ForwardedPortLocal? forward = null;
        try
        {
            await client.ConnectAsync(deadline.Token).ConfigureAwait(false);
            forward = new ForwardedPortLocal(IPAddress.Loopback.ToString(), 0, options.RemoteHost, checked((uint)options.RemotePort));
            client.AddForwardedPort(forward);
            var tunnel = new SshTunnel(client, forward, presented!, trusted.Count == 0, options);
            forward.Exception += (_, e) => Volatile.Write(ref tunnel._lastError, e.Exception);
            client.ErrorOccurred += (_, e) => Volatile.Write(ref tunnel._lastError, e.Exception);
            forward.Start();
            tunnel._localPort = checked((int)forward.BoundPort);
            if (tunnel._localPort == 0) throw new InvalidOperationException("The forwarded port was bound without a port number.");
            return tunnel;
        }
        catch (Exception e)
        {
            forward?.Dispose();
            client.Dispose();
            if (cancellationToken.IsCancellationRequested) throw new OperationCanceledException(cancellationToken);
            throw Translate(e, target, options, presented, trusted);
        }
    }

    private static Exception Translate(Exception e, string target, SshTunnelOptions options, string? presented, HashSet<string> trusted)
    {
        if (presented is not null && trusted.Count > 0 && !trusted.Contains(presented))
            return new HaException(ErrorIds.EtcdRequestFailed,
                $"SSH to {target} was refused by HaMaster: the server's host key {presented} is not the expected {string.Join(" or ", trusted)}.",
                "If the replica was recreated, its host key changed: read its new host key from the instance's guest attributes (hostkeys/) and connect again; otherwise something else answers at that address.",
                options.Host, e);
        return e switch
        {
            SshAuthenticationException => new HaException(ErrorIds.EtcdRequestFailed,
                $"SSH to {target} refused HaMaster's key {options.Key.Fingerprint}: {e.Message}",
                $"Check that the instance's ssh-keys metadata authorizes the module's key for '{options.User}' and that the guest environment is running on the VM.",
                options.Host, e),
            OperationCanceledException or SshOperationTimeoutException or TimeoutException => new HaException(ErrorIds.OperationTimedOut,
                $"SSH to {target} did not complete within {options.ConnectTimeout.TotalSeconds:0.#} s.",
                "Check that the VM is running and that a firewall rule admits SSH (tcp:22) from this machine.",
                options.Host, e),
            SocketException socket => new HaException(ErrorIds.EtcdRequestFailed,
                $"SSH to {target} failed: {socket.Message}",
                "Check that the VM is running and that a firewall rule admits SSH (tcp:22) from this machine.",
                options.Host, e),
            SshException => new HaException(ErrorIds.EtcdRequestFailed,
                $"SSH to {target} failed: {e.Message}",
                "Check that the VM is running and its SSH server accepts connections, then run the command again.",
                options.Host, e),
            _ => e,
        };
    }

    /// <summary>Stops the forward (the local port closes), then disconnects.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        try
        {
            if (_forward.IsStarted) _forward.Stop();
        }
        catch (Exception e) when (e is SshException or ObjectDisposedException or SocketException or InvalidOperationException)
        {
            // The connection is already gone; the listener is closed by Dispose below.
        }
        _forward.Dispose();
        try
        {
            if (_client.IsConnected) _client.Disconnect();
        }
        catch (Exception e) when (e is SshException or ObjectDisposedException or SocketException or InvalidOperationException)
        {
        }
        _client.Dispose();
    }
}
