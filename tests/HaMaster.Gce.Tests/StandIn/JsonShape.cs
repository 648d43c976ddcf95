using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Xunit;

namespace HaMaster.Gce.Tests.StandIn;

/// <summary>
/// Compares the shape of two JSON documents: the same field names, the same value kinds (string,
/// number, boolean, object, array; int64 values as decimal strings), and no empty array anywhere in
/// the actual document (the real API leaves empty repeated fields out). Values are not compared.
/// Paths are written <c>$.networkInterfaces[].accessConfigs[].natIP</c>.
/// </summary>
public sealed class JsonShape
{
    private readonly Dictionary<string, string> _omissions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _extras = new(StringComparer.Ordinal);
    private readonly HashSet<string> _maps = new(StringComparer.Ordinal);

    /// <summary>A field the real API sends in this state that the stand-in does not model; it may be missing.</summary>
    public JsonShape KnownOmission(string path, string why)
    {
        _omissions[path] = why;
        return this;
    }

    /// <summary>A field the stand-in sends that this particular recording lacks, with the evidence that the real API sends it too.</summary>
    public JsonShape AllowedExtra(string path, string evidence)
    {
        _extras[path] = evidence;
        return this;
    }

    /// <summary>An object whose keys are data (labels): only its values' kinds are compared.</summary>
    public JsonShape Map(string path)
    {
        _maps.Add(path);
        return this;
    }

    public IReadOnlyList<string> Differences(JsonNode expected, JsonNode actual)
    {
        var diffs = new List<string>();
        Compare(expected, actual, "$", diffs);
        return diffs;
    }

    public void AssertSameShape(JsonNode expected, JsonNode actual, string what)
    {
        var diffs = Differences(expected, actual);
        Assert.True(diffs.Count == 0,
            $"{what}: the stand-in's JSON differs in shape from the recorded real response:\n  " + string.Join("\n  ", diffs)
            + $"\n--- stand-in ---\n{actual.ToJsonString(new JsonSerializerOptions { WriteIndented = true })}");
    }

    private static string Kind(JsonNode? n) => n switch
    {
        null => "null",
        JsonObject => "object",
        JsonArray => "array",
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => "string",
            JsonValueKind.Number => "number",
            JsonValueKind.True or JsonValueKind.False => "boolean",
            var k => k.ToString(),
        },
        _ => "?",
    };

    private static readonly Regex Digits = new("^[0-9]+$");

    private void Compare(JsonNode? e, JsonNode? a, string path, List<string> diffs)
    {
        var ek = Kind(e);
        var ak = Kind(a);
        if (ek != ak)
        {
            diffs.Add($"{path}: the real API sends a {ek}, the stand-in a {ak}");
            return;
        }
        switch (e)
        {
            case JsonObject eo:
            {
                var ao = (JsonObject)a!;
                if (_maps.Contains(path))
                {
                    var sample = eo.Select(p => p.Value).FirstOrDefault();
                    foreach (var (_, v) in ao) if (sample is not null) Compare(sample, v, path + ".*", diffs);
                    if (ao.Count == 0) diffs.Add($"{path}: an empty map should be left out");
                    return;
                }
                foreach (var (key, ev) in eo)
                {
                    var p = $"{path}.{key}";
                    if (ao.TryGetPropertyValue(key, out var av)) Compare(ev, av, p, diffs);
                    else if (!_omissions.ContainsKey(p)) diffs.Add($"{p}: sent by the real API, missing from the stand-in");
                }
                foreach (var (key, av) in ao)
                {
                    var p = $"{path}.{key}";
                    if (eo.ContainsKey(key)) continue;
                    if (_extras.ContainsKey(p)) CheckNoEmptyArrays(av, p, diffs);
                    else diffs.Add($"{p}: sent by the stand-in, absent from the recorded real response");
                }
                break;
            }
            case JsonArray ea:
            {
                var aa = (JsonArray)a!;
                if (aa.Count == 0)
                {
                    diffs.Add($"{path}: an empty array should be left out, not sent as []");
                    return;
                }
                if (ea.Count == 0) return;
                for (var i = 0; i < aa.Count; i++) Compare(ea[Math.Min(i, ea.Count - 1)], aa[i], path + "[]", diffs);
                break;
            }
            case JsonValue ev when ek == "string":
            {
                var es = ev.GetValue<string>();
                var @as = a!.GetValue<string>();
                if (Digits.IsMatch(es) && !Digits.IsMatch(@as))
                    diffs.Add($"{path}: an int64 travels as a decimal string; the stand-in sent '{@as}'");
                break;
            }
        }
    }

    private static void CheckNoEmptyArrays(JsonNode? n, string path, List<string> diffs)
    {
        switch (n)
        {
            case JsonArray { Count: 0 }:
                diffs.Add($"{path}: an empty array should be left out, not sent as []");
                break;
            case JsonArray arr:
                foreach (var x in arr) CheckNoEmptyArrays(x, path + "[]", diffs);
                break;
            case JsonObject o:
                foreach (var (k, v) in o) CheckNoEmptyArrays(v, $"{path}.{k}", diffs);
                break;
        }
    }

    /// <summary>The union of two recorded shapes (fields of either), the first one's value winning.</summary>
    public static JsonObject Union(JsonObject first, JsonObject second)
    {
        var result = (JsonObject)first.DeepClone();
        foreach (var (k, v) in second)
        {
            if (!result.ContainsKey(k)) result[k] = v?.DeepClone();
        }
        return result;
    }
}
