using System.Text;

namespace HaMaster.Endpoint;

/// <summary>A complete response; every response closes the connection.</summary>
public sealed record HttpResponse(int StatusCode, string ContentType, byte[] Body, IReadOnlyList<KeyValuePair<string, string>> ExtraHeaders)
{
    private const string PlainText = "text/plain; charset=utf-8";

    public static HttpResponse Text(int statusCode, string text, params KeyValuePair<string, string>[] extraHeaders) =>
        new(statusCode, PlainText, Encoding.UTF8.GetBytes(text), extraHeaders);

    public static HttpResponse Json(int statusCode, string json) =>
        new(statusCode, "application/json", Encoding.UTF8.GetBytes(json), []);

    public async Task WriteAsync(Stream stream, bool includeBody, CancellationToken cancellationToken)
    {
        var head = new StringBuilder()
            .Append("HTTP/1.1 ").Append(StatusCode).Append(' ').Append(ReasonPhrase(StatusCode)).Append("\r\n")
            .Append("Content-Type: ").Append(ContentType).Append("\r\n")
            .Append("Content-Length: ").Append(Body.Length).Append("\r\n")
            .Append("Cache-Control: no-cache, private\r\n")
            .Append("X-Content-Type-Options: nosniff\r\n")
            .Append("Connection: close\r\n");
        foreach (KeyValuePair<string, string> header in ExtraHeaders)
            head.Append(header.Key).Append(": ").Append(header.Value).Append("\r\n");
        head.Append("\r\n");

        byte[] headBytes = Encoding.ASCII.GetBytes(head.ToString());
        byte[] message = includeBody ? [.. headBytes, .. Body] : headBytes;
        await stream.WriteAsync(message, cancellationToken).ConfigureAwait(false);
        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private static string ReasonPhrase(int statusCode) => statusCode switch
    {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        505 => "HTTP Version Not Supported",
        _ => "Status",
    };
}
