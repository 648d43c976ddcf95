using Newtonsoft.Json;

namespace HaMaster.Gce.Compute;

/// <summary>
/// What <c>instances.getGuestAttributes</c> answers (<c>compute#guestAttributes</c>): values the guest
/// published itself, such as the SSH host keys the guest agent writes under <c>hostkeys/</c>.
/// </summary>
public sealed class GuestAttributes
{
    [JsonProperty("kind")] public string? Kind { get; set; }
    [JsonProperty("variableKey")] public string? VariableKey { get; set; }
    [JsonProperty("variableValue")] public string? VariableValue { get; set; }
    [JsonProperty("queryPath")] public string? QueryPath { get; set; }
    [JsonProperty("queryValue")] public GuestAttributesValue? QueryValue { get; set; }
    [JsonProperty("selfLink")] public string? SelfLink { get; set; }
}

public sealed class GuestAttributesValue
{
    [JsonProperty("items")] public List<GuestAttributesEntry>? Items { get; set; }
}

public sealed class GuestAttributesEntry
{
    [JsonProperty("namespace")] public string? Namespace { get; set; }
    [JsonProperty("key")] public string? Key { get; set; }
    [JsonProperty("value")] public string? Value { get; set; }
}
