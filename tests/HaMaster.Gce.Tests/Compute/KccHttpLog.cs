using System.Text.RegularExpressions;

namespace HaMaster.Gce.Tests.Compute;

/// <summary>One exchange of a Config Connector golden <c>_http.log</c>.</summary>
internal sealed record KccExchange(
    string File, int Line, string Method, Uri Url, string? RequestBody, int Status, string? ResponseBody)
{
    public override string ToString() => $"{Path.GetFileName(File)}:{Line} {Method} {Url.AbsolutePath} -> {Status}";
}

/// <summary>
/// Reads the KCC log format: a request line (<c>METHOD URL</c>), headers, a blank line, an optional body;
/// then the status line (<c>200 OK</c>), headers, a blank line and the body. Exchanges are separated by
/// <c>---</c> lines, though some files go straight on to the next request line.
/// </summary>
internal static partial class KccHttpLog
{
    [GeneratedRegex(@"^(GET|POST|PUT|PATCH|DELETE|HEAD) (\S+)$")]
    private static partial Regex RequestLine();

    [GeneratedRegex(@"^(\d{3}) \S")]
    private static partial Regex StatusLine();

    public static IReadOnlyList<KccExchange> Read(string path)
    {
        var lines = File.ReadAllLines(path);
        var starts = new List<int>();
        for (var i = 0; i < lines.Length; i++)
            if (RequestLine().IsMatch(lines[i]) && (i == 0 || lines[i - 1].Trim().Length == 0 || lines[i - 1] == "---"))
                starts.Add(i);
        var exchanges = new List<KccExchange>();
        for (var s = 0; s < starts.Count; s++)
        {
            var end = s + 1 < starts.Count ? starts[s + 1] : lines.Length;
            exchanges.Add(Parse(path, lines, starts[s], end));
        }
        return exchanges;
    }

    private static KccExchange Parse(string path, string[] lines, int start, int end)
    {
        var request = RequestLine().Match(lines[start]);
        var i = start + 1;
        while (i < end && lines[i].Trim().Length > 0) i++; // request headers
        var statusAt = -1;
        for (var j = i; j < end; j++)
            if (StatusLine().IsMatch(lines[j]) && lines[j - 1].Trim().Length == 0)
            {
                statusAt = j;
                break;
            }
        if (statusAt < 0)
            throw new FormatException($"{path}:{start + 1}: no status line for {lines[start]}");
        var requestBody = Body(lines, i, statusAt);
        var k = statusAt + 1;
        while (k < end && lines[k].Trim().Length > 0) k++; // response headers
        var responseBody = Body(lines, k, end);
        return new KccExchange(path, start + 1, request.Groups[1].Value, new Uri(request.Groups[2].Value),
            requestBody, int.Parse(StatusLine().Match(lines[statusAt]).Groups[1].Value), responseBody);
    }

    private static string? Body(string[] lines, int from, int to)
    {
        var text = string.Join('\n', lines[from..to].Where(l => l != "---")).Trim();
        return text.Length == 0 ? null : text;
    }
}
