using HaMaster.Gce.Compute;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using Newtonsoft.Json.Serialization;

namespace HaMaster.Gce.Tests.Compute;

/// <summary>
/// Checks that a typed object keeps every field of the JSON it was read from that its class models:
/// serialised back, each modelled field is there with the same value (recursively), nothing is
/// invented, and fields the classes do not model are only reported.
/// </summary>
internal static class JsonFidelity
{
    private static readonly JsonSerializerSettings Settings = ComputeService.JsonSettings();
    private static readonly JsonSerializer Serializer = JsonSerializer.Create(Settings);

    public static JToken Parse(string json)
    {
        using var reader = new JsonTextReader(new StringReader(json)) { DateParseHandling = DateParseHandling.None };
        return JToken.ReadFrom(reader);
    }

    /// <summary>Reads <paramref name="json"/> as <typeparamref name="T"/> (as the client does) and checks nothing modelled is lost.</summary>
    public static T ReadLossless<T>(string json, string what) => (T)ReadLossless(typeof(T), json, what);

    public static object ReadLossless(Type type, string json, string what)
    {
        var typed = JsonConvert.DeserializeObject(json, type, Settings)
                    ?? throw new Xunit.Sdk.XunitException($"{what}: read as null");
        var back = JToken.FromObject(typed, Serializer);
        var problems = new List<string>();
        Compare(Parse(json), back, type, "$", problems);
        if (problems.Count > 0)
            throw new Xunit.Sdk.XunitException($"{what} as {type.Name}:\n  " + string.Join("\n  ", problems));
        return typed;
    }

    private static void Compare(JToken original, JToken? back, Type type, string path, List<string> problems)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (back is null || back.Type == JTokenType.Null)
        {
            if (original.Type != JTokenType.Null)
                problems.Add($"{path}: lost ({original.Type})");
            return;
        }
        var contract = Serializer.ContractResolver.ResolveContract(type);
        switch (contract)
        {
            case JsonObjectContract objectContract when original is JObject originalObject && back is JObject backObject:
                foreach (var property in originalObject.Properties())
                {
                    var modelled = objectContract.Properties.GetClosestMatchProperty(property.Name);
                    if (modelled is null || modelled.PropertyName != property.Name || modelled.Ignored)
                        continue; // not modelled: allowed
                    Compare(property.Value, backObject[property.Name], modelled.PropertyType!, $"{path}.{property.Name}", problems);
                }
                foreach (var property in backObject.Properties())
                    if (originalObject[property.Name] is null)
                        problems.Add($"{path}.{property.Name}: invented");
                break;
            case JsonArrayContract arrayContract when original is JArray originalArray && back is JArray backArray:
                if (originalArray.Count != backArray.Count)
                {
                    problems.Add($"{path}: {originalArray.Count} items became {backArray.Count}");
                    return;
                }
                for (var i = 0; i < originalArray.Count; i++)
                    Compare(originalArray[i], backArray[i], arrayContract.CollectionItemType ?? typeof(object), $"{path}[{i}]", problems);
                break;
            case JsonDictionaryContract dictionaryContract when original is JObject originalMap && back is JObject backMap:
                foreach (var property in originalMap.Properties())
                    Compare(property.Value, backMap[property.Name], dictionaryContract.DictionaryValueType ?? typeof(object),
                        $"{path}[{property.Name}]", problems);
                if (originalMap.Count != backMap.Count)
                    problems.Add($"{path}: {originalMap.Count} entries became {backMap.Count}");
                break;
            default:
                if (!JToken.DeepEquals(original, back))
                    problems.Add($"{path}: {original.ToString(Formatting.None)} became {back.ToString(Formatting.None)}");
                break;
        }
    }
}
