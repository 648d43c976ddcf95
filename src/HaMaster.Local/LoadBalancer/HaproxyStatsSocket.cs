using System.Net.Sockets;
using System.Text;

namespace HaMaster.Local.LoadBalancer;

/// <summary>Talks to the admin stats socket of the current HAProxy worker, one command line per connection.</summary>
internal static class HaproxyStatsSocket
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Sends <paramref name="commands"/> (separated by ';' they are answered by the same worker)
    /// and returns the whole answer.</summary>
    public static async Task<string> SendAsync(string socketPath, string commands, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(CommandTimeout);
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), timeout.Token).ConfigureAwait(false);
            await socket.SendAsync(Encoding.ASCII.GetBytes(commands + "\n"), SocketFlags.None, timeout.Token).ConfigureAwait(false);
            var answer = new MemoryStream();
            var buffer = new byte[16 * 1024];
            int read;
            while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token).ConfigureAwait(false)) > 0)
                answer.Write(buffer, 0, read);
            return Encoding.UTF8.GetString(answer.GetBuffer(), 0, (int)answer.Length);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"The HAProxy stats socket {socketPath} did not answer '{commands}' within {CommandTimeout.TotalSeconds:0} s.");
        }
    }

    /// <summary>The answering worker and its servers, or null when no worker answers (not started, or gone).</summary>
    public static async Task<HaproxySnapshot?> TryReadSnapshotAsync(string socketPath, CancellationToken cancellationToken)
    {
        string answer;
        try
        {
            answer = await SendAsync(socketPath, "show info;show stat", cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException) { return null; }
        catch (TimeoutException) { return null; }
        return HaproxySnapshot.TryParse(answer);
    }

    /// <summary>Runs an admin command that answers nothing on success and an explanation on failure.</summary>
    public static async Task RunAdminCommandAsync(string socketPath, string command, CancellationToken cancellationToken)
    {
        string answer;
        try
        {
            answer = await SendAsync(socketPath, command, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException e)
        {
            throw new InvalidOperationException($"HAProxy does not answer on {socketPath}: {e.Message}", e);
        }
        if (!string.IsNullOrWhiteSpace(answer))
            throw new InvalidOperationException($"HAProxy refused '{command}': {answer.Trim()}");
    }
}
