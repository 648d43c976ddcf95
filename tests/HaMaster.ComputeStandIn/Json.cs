using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace HaMaster.Testing.Compute;

/// <summary>Small helpers to build responses and to read request bodies.</summary>
internal static class Json
{
    /// <summary>
    /// Sets <paramref name="key"/> unless the value is null or an empty array: the real API leaves
    /// empty repeated fields out of its responses instead of sending <c>[]</c>.
    /// </summary>
    public static JsonObject Put(this JsonObject o, string key, JsonNode? value)
    {
        if (value is null) return o;
        if (value is JsonArray { Count: 0 }) return o;
        o[key] = value;
        return o;
    }

    public static JsonArray Strings(IEnumerable<string> values)
    {
        var a = new JsonArray();
        foreach (var v in values) a.Add(JsonValue.Create(v));
        return a;
    }

    /// <summary>A map such as <c>labels</c>; null when empty, so that <see cref="Put"/> leaves it out.</summary>
    public static JsonObject? Map(IReadOnlyDictionary<string, string> map)
    {
        if (map.Count == 0) return null;
        var o = new JsonObject();
        foreach (var (k, v) in map.OrderBy(p => p.Key, StringComparer.Ordinal)) o[k] = v;
        return o;
    }

    /// <summary>int64 values travel as JSON strings.</summary>
    public static JsonNode Int64(ulong value) => JsonValue.Create(value.ToString(CultureInfo.InvariantCulture));

    /// <summary>
    /// Serialises a node. Object keys are written in ordinal order, as in the recorded KCC traffic,
    /// unless <paramref name="sortKeys"/> is false (error bodies keep the wire order code, message, errors).
    /// </summary>
    public static string Write(JsonNode node, bool indented, bool sortKeys = true)
    {
        using var stream = new MemoryStream();
        // Relaxed escaping: the real front end writes ' and other printable characters as they are.
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = indented, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            WriteNode(w, node, sortKeys);
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void WriteNode(Utf8JsonWriter w, JsonNode? node, bool sortKeys)
    {
        switch (node)
        {
            case null:
                w.WriteNullValue();
                break;
            case JsonObject o:
                w.WriteStartObject();
                IEnumerable<KeyValuePair<string, JsonNode?>> props = sortKeys
                    ? o.OrderBy(p => p.Key, StringComparer.Ordinal)
                    : o;
                foreach (var (k, v) in props)
                {
                    w.WritePropertyName(k);
                    WriteNode(w, v, sortKeys);
                }
                w.WriteEndObject();
                break;
            case JsonArray a:
                w.WriteStartArray();
                foreach (var item in a) WriteNode(w, item, sortKeys);
                w.WriteEndArray();
                break;
            default:
                node.WriteTo(w);
                break;
        }
    }

    // ---- reading request bodies ------------------------------------------------------------

    public static string? Str(JsonObject? o, string key, string field)
    {
        if (o is null || !o.TryGetPropertyValue(key, out var n) || n is null) return null;
        if (n is JsonValue v && v.GetValueKind() == JsonValueKind.String) return v.GetValue<string>();
        throw ApiException.InvalidValue(field, n.ToJsonString(), "Expected a string.");
    }

    public static long? Long(JsonObject? o, string key, string field)
    {
        if (o is null || !o.TryGetPropertyValue(key, out var n) || n is null) return null;
        if (n is JsonValue v)
        {
            switch (v.GetValueKind())
            {
                case JsonValueKind.Number when v.TryGetValue<long>(out var l):
                    return l;
                case JsonValueKind.String when long.TryParse(v.GetValue<string>(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var s):
                    // proto3 JSON accepts integers as strings
                    return s;
            }
        }
        throw ApiException.InvalidValue(field, n.ToJsonString(), "Expected an integer.");
    }

    public static double? Double(JsonObject? o, string key, string field)
    {
        if (o is null || !o.TryGetPropertyValue(key, out var n) || n is null) return null;
        if (n is JsonValue v)
        {
            switch (v.GetValueKind())
            {
                case JsonValueKind.Number:
                    return v.GetValue<double>();
                case JsonValueKind.String when double.TryParse(v.GetValue<string>(), NumberStyles.Float, CultureInfo.InvariantCulture, out var s):
                    return s;
            }
        }
        throw ApiException.InvalidValue(field, n.ToJsonString(), "Expected a number.");
    }

    public static bool? Bool(JsonObject? o, string key, string field)
    {
        if (o is null || !o.TryGetPropertyValue(key, out var n) || n is null) return null;
        if (n is JsonValue v)
        {
            switch (v.GetValueKind())
            {
                case JsonValueKind.True: return true;
                case JsonValueKind.False: return false;
            }
        }
        throw ApiException.InvalidValue(field, n.ToJsonString(), "Expected a boolean.");
    }

    public static JsonObject? Obj(JsonObject? o, string key, string field)
    {
        if (o is null || !o.TryGetPropertyValue(key, out var n) || n is null) return null;
        return n as JsonObject ?? throw ApiException.InvalidValue(field, n.ToJsonString(), "Expected an object.");
    }

    public static JsonArray? Arr(JsonObject? o, string key, string field)
    {
        if (o is null || !o.TryGetPropertyValue(key, out var n) || n is null) return null;
        return n as JsonArray ?? throw ApiException.InvalidValue(field, n.ToJsonString(), "Expected an array.");
    }

    public static List<string> StrList(JsonObject? o, string key, string field)
    {
        var list = new List<string>();
        var a = Arr(o, key, field);
        if (a is null) return list;
        for (var i = 0; i < a.Count; i++)
        {
            if (a[i] is JsonValue v && v.GetValueKind() == JsonValueKind.String) list.Add(v.GetValue<string>());
            else throw ApiException.InvalidValue($"{field}[{i}]", a[i]?.ToJsonString() ?? "null", "Expected a string.");
        }
        return list;
    }

    public static SortedDictionary<string, string> StrMap(JsonObject? o, string key, string field)
    {
        var map = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var m = Obj(o, key, field);
        if (m is null) return map;
        foreach (var (k, v) in m)
        {
            if (v is JsonValue jv && jv.GetValueKind() == JsonValueKind.String) map[k] = jv.GetValue<string>();
            else throw ApiException.InvalidValue($"{field}.{k}", v?.ToJsonString() ?? "null", "Expected a string.");
        }
        return map;
    }
}
