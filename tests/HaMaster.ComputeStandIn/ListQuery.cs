using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;

namespace HaMaster.Testing.Compute;

/// <summary>
/// The list parameters: <c>filter</c>, <c>orderBy</c>, <c>maxResults</c> (default and maximum 500) and
/// <c>pageToken</c> (opaque, bound to the filter and order it was issued for).
/// </summary>
/// <remarks>
/// Filters: the AIP-160 form (<c>name = "x"</c>, <c>labels.env != prod</c>, <c>labels.owner:*</c>,
/// <c>name = "demo-*"</c>, terms ANDed by juxtaposition, parentheses or <c>AND</c>; <c>&gt; &lt; &gt;= &lt;=</c>
/// compare numbers, else text) or the older single <c>field eq|ne RE2</c> form matched against the whole
/// field. The two forms cannot be mixed. <c>OR</c> and <c>NOT</c> are not supported: 400.
/// </remarks>
internal sealed class ListQuery
{
    private readonly List<Func<JsonObject, bool>> _terms;
    private readonly string _orderField;
    private readonly bool _descending;
    private readonly int _max;
    private readonly int _offset;
    private readonly string _binding;

    private ListQuery(List<Func<JsonObject, bool>> terms, string orderField, bool descending, int max, int offset, string binding)
    {
        _terms = terms;
        _orderField = orderField;
        _descending = descending;
        _max = max;
        _offset = offset;
        _binding = binding;
    }

    public static ListQuery Parse(IQueryCollection query)
    {
        string? Q(string key) => query.TryGetValue(key, out var v) && v.Count > 0 ? v[0] : null;

        var filter = Q("filter") ?? "";
        var orderBy = Q("orderBy") ?? "";
        var terms = ParseFilter(filter);

        var orderField = "name";
        var descending = false;
        if (orderBy.Length > 0)
        {
            var parts = orderBy.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length is < 1 or > 2 || parts[0] is not ("name" or "creationTimestamp") || (parts.Length == 2 && parts[1] is not ("asc" or "desc")))
                throw ApiException.InvalidValue("orderBy", orderBy, "The stand-in orders only by name or creationTimestamp, optionally followed by asc or desc.");
            orderField = parts[0];
            descending = parts.Length == 2 && parts[1] == "desc";
        }

        var max = 500;
        var maxText = Q("maxResults");
        if (maxText is not null)
        {
            if (!int.TryParse(maxText, NumberStyles.Integer, CultureInfo.InvariantCulture, out var m) || m < 0)
                throw ApiException.InvalidValue("maxResults", maxText, "Must be greater than or equal to 0.");
            if (m > 500) throw ApiException.InvalidValue("maxResults", maxText, "Must be less than or equal to 500.");
            max = m == 0 ? 500 : m;
        }

        var binding = Hash($"{filter}\n{orderBy}");
        var offset = 0;
        var token = Q("pageToken");
        if (!string.IsNullOrEmpty(token))
        {
            offset = DecodeToken(token, binding)
                ?? throw ApiException.InvalidValue("pageToken", token, "Invalid page token.");
        }
        return new ListQuery(terms, orderField, descending, max, offset, binding);
    }

    public List<JsonObject> Apply(IEnumerable<JsonObject> items, out string? nextPageToken)
    {
        var matching = items.Where(i => _terms.All(t => t(i)));
        Func<JsonObject, string> key = i => i[_orderField]?.GetValue<string>() ?? "";
        var ordered = (_descending ? matching.OrderByDescending(key, StringComparer.Ordinal) : matching.OrderBy(key, StringComparer.Ordinal))
            .ThenBy(i => i["selfLink"]?.GetValue<string>() ?? "", StringComparer.Ordinal)
            .ToList();
        var page = ordered.Skip(_offset).Take(_max).ToList();
        nextPageToken = _offset + page.Count < ordered.Count ? EncodeToken(_offset + page.Count, _binding) : null;
        return page;
    }

    // ---- page tokens -----------------------------------------------------------------------------

    private static string Hash(string text) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..12];

    private static string EncodeToken(int offset, string binding)
    {
        var raw = Encoding.UTF8.GetBytes($"standin:{offset}:{binding}");
        return Convert.ToBase64String(raw).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    private static int? DecodeToken(string token, string binding)
    {
        try
        {
            var b64 = token.Replace('-', '+').Replace('_', '/');
            b64 = b64.PadRight(b64.Length + (4 - b64.Length % 4) % 4, '=');
            var parts = Encoding.UTF8.GetString(Convert.FromBase64String(b64)).Split(':');
            if (parts.Length != 3 || parts[0] != "standin" || parts[2] != binding) return null;
            return int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var o) ? o : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    // ---- filters ---------------------------------------------------------------------------------

    private static readonly Regex OldForm = new(@"^\s*([A-Za-z][\w.]*)\s+(eq|ne)\s+(.+?)\s*$", RegexOptions.CultureInvariant);

    private static List<Func<JsonObject, bool>> ParseFilter(string filter)
    {
        var terms = new List<Func<JsonObject, bool>>();
        if (string.IsNullOrWhiteSpace(filter)) return terms;

        var old = OldForm.Match(filter);
        if (old.Success && !filter.Contains('(') && !Regex.IsMatch(filter, @"\s(=|!=|:|<|>)\s"))
        {
            var field = old.Groups[1].Value;
            var value = Unquote(old.Groups[3].Value);
            Regex re;
            try
            {
                re = new Regex($"^(?:{value})$", RegexOptions.CultureInvariant);
            }
            catch (ArgumentException)
            {
                throw ApiException.InvalidValue("filter", filter, "Invalid regular expression.");
            }
            var negate = old.Groups[2].Value == "ne";
            terms.Add(i => Values(i, field).Any(re.IsMatch) != negate);
            return terms;
        }

        var tokens = Tokenize(filter);
        var k = 0;
        while (k < tokens.Count)
        {
            var t = tokens[k];
            if (t is "(" or ")" or "AND")
            {
                k++;
                continue;
            }
            if (t is "OR" or "NOT" or "-")
                throw ApiException.InvalidValue("filter", filter, $"The Compute stand-in does not support '{t}' in filters.");
            if (k + 2 >= tokens.Count)
                throw ApiException.InvalidValue("filter", filter, "Invalid list filter expression.");
            var field = t;
            var op = tokens[k + 1];
            var value = Unquote(tokens[k + 2]);
            k += 3;
            if (op is "eq" or "ne")
                throw ApiException.InvalidValue("filter", filter, "Invalid list filter expression: the eq/ne form cannot be mixed with other expressions.");
            terms.Add(Term(filter, field, op, value));
        }
        return terms;
    }

    private static Func<JsonObject, bool> Term(string filter, string field, string op, string value)
    {
        switch (op)
        {
            case "=":
                return i => Values(i, field).Any(v => Glob(value, v));
            case "!=":
                return i => !Values(i, field).Any(v => Glob(value, v));
            case ":":
                return value == "*"
                    ? i => Values(i, field).Any()
                    : i => Values(i, field).Any(v => Glob(value, v) || v.Contains(value, StringComparison.Ordinal));
            case ">" or "<" or ">=" or "<=":
                return i => Values(i, field).Any(v => Compare(v, value, op));
            default:
                throw ApiException.InvalidValue("filter", filter, $"Unknown operator '{op}'.");
        }
    }

    private static bool Compare(string left, string right, string op)
    {
        int c;
        if (double.TryParse(left, NumberStyles.Float, CultureInfo.InvariantCulture, out var l)
            && double.TryParse(right, NumberStyles.Float, CultureInfo.InvariantCulture, out var r))
            c = l.CompareTo(r);
        else
            c = string.CompareOrdinal(left, right);
        return op switch { ">" => c > 0, "<" => c < 0, ">=" => c >= 0, _ => c <= 0 };
    }

    private static bool Glob(string pattern, string value)
    {
        if (!pattern.Contains('*')) return pattern == value;
        var re = "^" + Regex.Escape(pattern).Replace("\\*", ".*", StringComparison.Ordinal) + "$";
        return Regex.IsMatch(value, re, RegexOptions.CultureInvariant);
    }

    private static string Unquote(string s) =>
        s.Length >= 2 && ((s[0] == '"' && s[^1] == '"') || (s[0] == '\'' && s[^1] == '\'')) ? s[1..^1] : s;

    private static List<string> Tokenize(string filter)
    {
        var tokens = new List<string>();
        var i = 0;
        while (i < filter.Length)
        {
            var c = filter[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
                continue;
            }
            if (c is '(' or ')')
            {
                tokens.Add(c.ToString());
                i++;
                continue;
            }
            if (c is '"' or '\'')
            {
                var end = filter.IndexOf(c, i + 1);
                if (end < 0) throw ApiException.InvalidValue("filter", filter, "Unterminated quoted string.");
                tokens.Add(filter[i..(end + 1)]);
                i = end + 1;
                continue;
            }
            if (c is '=' or ':')
            {
                tokens.Add(c.ToString());
                i++;
                continue;
            }
            if (c is '!' or '<' or '>')
            {
                if (i + 1 < filter.Length && filter[i + 1] == '=')
                {
                    tokens.Add(filter.Substring(i, 2));
                    i += 2;
                }
                else
                {
                    tokens.Add(c.ToString());
                    i++;
                }
                continue;
            }
            var start = i;
            while (i < filter.Length && !char.IsWhiteSpace(filter[i]) && filter[i] is not ('(' or ')' or '=' or ':' or '!' or '<' or '>' or '"' or '\''))
                i++;
            tokens.Add(filter[start..i]);
        }
        return tokens;
    }

    /// <summary>The values at a dotted path (<c>labels.env</c>, <c>tags.items</c>, <c>networkInterfaces.networkIP</c>), arrays flattened.</summary>
    private static IEnumerable<string> Values(JsonNode? node, string path)
    {
        IEnumerable<JsonNode?> current = new[] { node };
        foreach (var part in path.Split('.'))
        {
            current = current.SelectMany(n => n switch
            {
                JsonObject o when o.TryGetPropertyValue(part, out var v) => v is JsonArray a ? a.AsEnumerable() : new[] { v },
                JsonArray a => a.OfType<JsonObject>().Where(o => o.ContainsKey(part)).Select(o => o[part]),
                _ => Enumerable.Empty<JsonNode?>(),
            });
        }
        foreach (var n in current)
        {
            switch (n)
            {
                case JsonArray a:
                    foreach (var x in a) if (x is JsonValue xv) yield return Text(xv);
                    break;
                case JsonValue v:
                    yield return Text(v);
                    break;
            }
        }
    }

    private static string Text(JsonValue v) => v.GetValueKind() switch
    {
        JsonValueKind.String => v.GetValue<string>(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => v.ToJsonString(),
    };
}
