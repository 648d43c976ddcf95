using System.Text;

namespace HaMaster.Endpoint;

/// <summary>The request line of an HTTP/1.x request; headers are read (bounded) but not needed.</summary>
public sealed record HttpRequestHead(string Method, string Path, string Version)
{
    public const int MaxHeadBytes = 16 * 1024;

    private static readonly byte[] HeadTerminator = "\r\n\r\n"u8.ToArray();

    /// <summary>
    /// Reads up to and including the blank line that ends the headers.
    /// Returns null if the client closed the connection before sending anything.
    /// </summary>
    /// <exception cref="HttpProtocolException">The head is malformed, incomplete or too large.</exception>
    public static async Task<HttpRequestHead?> ReadAsync(Stream stream, CancellationToken cancellationToken)
    {
        byte[] buffer = new byte[MaxHeadBytes];
        int filled = 0;
        while (true)
        {
            if (filled == buffer.Length)
                throw new HttpProtocolException(431, "request head too large");

            int read = await stream.ReadAsync(buffer.AsMemory(filled), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                if (filled == 0)
                    return null;
                throw new HttpProtocolException(400, "connection closed inside the request head");
            }

            int searchFrom = Math.Max(0, filled - (HeadTerminator.Length - 1));
            filled += read;
            int end = buffer.AsSpan(searchFrom, filled - searchFrom).IndexOf(HeadTerminator);
            if (end >= 0)
                return Parse(Encoding.ASCII.GetString(buffer, 0, searchFrom + end));
        }
    }

    public static HttpRequestHead Parse(string head)
    {
        int lineEnd = head.IndexOf("\r\n", StringComparison.Ordinal);
        string requestLine = lineEnd < 0 ? head : head[..lineEnd];
        string[] parts = requestLine.Split(' ');
        if (parts.Length != 3 || parts[0].Length == 0 || !parts[0].All(char.IsAsciiLetterUpper))
            throw new HttpProtocolException(400, "malformed request line");
        if (parts[2] is not ("HTTP/1.1" or "HTTP/1.0"))
            throw new HttpProtocolException(505, "only HTTP/1.0 and HTTP/1.1 are supported");

        return new HttpRequestHead(parts[0], PathOf(parts[1]), parts[2]);
    }

    private static string PathOf(string target)
    {
        if (target.StartsWith('/'))
        {
            int queryStart = target.IndexOfAny(['?', '#']);
            return queryStart < 0 ? target : target[..queryStart];
        }
        if (Uri.TryCreate(target, UriKind.Absolute, out Uri? absolute) && absolute.Scheme is "http" or "https")
            return absolute.AbsolutePath;
        throw new HttpProtocolException(400, "malformed request target");
    }
}
