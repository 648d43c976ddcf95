using System.Net;
using System.Net.Sockets;

namespace HaMaster.Endpoint;

/// <summary>
/// The set of listening sockets, one per configured address. <see cref="Apply"/> reconciles the set
/// with a new list of addresses without disturbing the sockets that stay.
/// </summary>
public sealed class HttpsListenerSet(Func<Socket, Task> serveConnection)
{
    private const int ListenBacklog = 512;
    private const int SolSocket = 1;
    private const int SoReusePort = 15;

    private readonly Dictionary<IPEndPoint, Listener> listeners = new();
    private readonly object gate = new();

    public sealed record ApplyResult(
        IReadOnlyList<IPEndPoint> Added,
        IReadOnlyList<IPEndPoint> Removed,
        IReadOnlyList<(IPEndPoint Address, string Error)> Failed);

    public IReadOnlyList<IPEndPoint> Addresses
    {
        get { lock (gate) return listeners.Keys.ToList(); }
    }

    /// <summary>Opens listeners for new addresses and closes those no longer wanted.</summary>
    public ApplyResult Apply(IReadOnlyList<IPEndPoint> wanted)
    {
        lock (gate)
        {
            var removed = listeners.Keys.Where(address => !wanted.Contains(address)).ToList();
            foreach (IPEndPoint address in removed)
            {
                listeners[address].Close();
                listeners.Remove(address);
            }

            var added = new List<IPEndPoint>();
            var failed = new List<(IPEndPoint, string)>();
            foreach (IPEndPoint address in wanted.Where(address => !listeners.ContainsKey(address)))
            {
                try
                {
                    listeners[address] = Listener.Start(address, serveConnection);
                    added.Add(address);
                }
                catch (SocketException e)
                {
                    failed.Add((address, e.Message));
                }
            }
            return new ApplyResult(added, removed, failed);
        }
    }

    public void CloseAll() => Apply([]);

    /// <summary>
    /// SO_REUSEPORT lets HAProxy bind the same address:port while this endpoint still listens, so the
    /// cluster address can be handed over without a moment in which connections are refused.
    /// </summary>
    internal static Socket OpenListeningSocket(IPEndPoint address)
    {
        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            // .NET on Linux happens to set SO_REUSEPORT along with ReuseAddress; the handover depends on
            // it, so it is set explicitly rather than relying on that.
            if (OperatingSystem.IsLinux())
                socket.SetRawSocketOption(SolSocket, SoReusePort, BitConverter.GetBytes(1));
            socket.Bind(address);
            socket.Listen(ListenBacklog);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private sealed class Listener
    {
        private readonly Socket socket;
        private readonly CancellationTokenSource stopping = new();

        private Listener(Socket socket) => this.socket = socket;

        public static Listener Start(IPEndPoint address, Func<Socket, Task> serveConnection)
        {
            var listener = new Listener(OpenListeningSocket(address));
            _ = Task.Run(() => listener.AcceptLoopAsync(serveConnection));
            return listener;
        }

        public void Close()
        {
            stopping.Cancel();
            socket.Dispose();
        }

        private async Task AcceptLoopAsync(Func<Socket, Task> serveConnection)
        {
            CancellationToken token = stopping.Token;
            while (!token.IsCancellationRequested)
            {
                Socket client;
                try
                {
                    client = await socket.AcceptAsync(token).ConfigureAwait(false);
                }
                catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException || token.IsCancellationRequested)
                {
                    return;
                }
                catch (SocketException)
                {
                    // Transient accept failures (a connection reset while queued, descriptor exhaustion):
                    // back off briefly rather than spin.
                    await Task.Delay(50, CancellationToken.None).ConfigureAwait(false);
                    continue;
                }
                // A connection outlives the removal of its listener; the host's shutdown ends it.
                _ = Task.Run(() => serveConnection(client), CancellationToken.None);
            }
        }
    }
}
