using System.Net;
using System.Net.Sockets;
using HaMaster.Engine.Model;
using Renci.SshNet;
using Renci.SshNet.Common;

namespace HaMaster.Gce.Ssh;

/// <summary>Where and how the module connects over SSH (<see cref="SshTunnel"/>, <see cref="SshFileUpload"/>), and where a tunnel forwards to.</summary>
public sealed record SshOptions
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

    private SshTunnel(SshClient client, ForwardedPortLocal forward, string hostKeyFingerprint, bool trustedOnFirstUse, SshOptions options)
    {
        _client = client;
        _forward = forward;
        HostKeyFingerprint = hostKeyFingerprint;
        HostKeyTrustedOnFirstUse = trustedOnFirstUse;
        Options = options;
    }

    public SshOptions Options { get; }

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
    public static async Task<SshTunnel> OpenAsync(SshOptions options, CancellationToken cancellationToken = default)
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
        var connection = new SshConnection(options);
        var client = new SshClient(connection.Info) { KeepAliveInterval = options.KeepAliveInterval };
        connection.CheckHostKeyOf(client);

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        // Connect, key exchange and authentication, each bounded by ConnectTimeout, plus some slack.
        deadline.CancelAfter(options.ConnectTimeout * 3);
        ForwardedPortLocal? forward = null;
        try
        {
            await client.ConnectAsync(deadline.Token).ConfigureAwait(false);
            forward = new ForwardedPortLocal(IPAddress.Loopback.ToString(), 0, options.RemoteHost, checked((uint)options.RemotePort));
            client.AddForwardedPort(forward);
            var tunnel = new SshTunnel(client, forward, connection.PresentedHostKey!, connection.TrustsOnFirstUse, options);
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
            throw connection.Translate(e);
        }
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
