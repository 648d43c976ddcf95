using System.Text.Json.Nodes;

namespace HaMaster.Testing.Compute;

/// <summary>
/// <c>instances.getGuestAttributes</c>: values a guest published about itself (the SSH host keys its
/// guest agent writes under <c>hostkeys/</c>). The guest side is <see cref="SetGuestAttribute"/>,
/// called by the fake VMs at boot. Answers 400 when the instance's metadata does not hold
/// <c>enable-guest-attributes=TRUE</c>, and 404 while nothing is published under the path asked.
/// </summary>
public sealed partial class ComputeStandIn
{
    public const string GuestAttributesMetadataKey = "enable-guest-attributes";

    /// <summary>What the guest of an instance publishes (<paramref name="ns"/>/<paramref name="key"/> = <paramref name="value"/>).</summary>
    public void SetGuestAttribute(string project, string zone, string instance, string ns, string key, string value)
    {
        lock (_gate)
        {
            var i = Find<InstanceResource>(new ResourceRef(project, Scope.Zone(zone), "instances", instance))
                    ?? throw new ArgumentException($"No instance projects/{project}/zones/{zone}/instances/{instance}.");
            i.GuestAttributes[$"{ns}/{key}"] = value;
        }
    }

    private JsonNode GetGuestAttributes(Req r)
    {
        var i = RequirePathResource<InstanceResource>(r, "instances");
        if (!i.Metadata.Any(m => m.Key == GuestAttributesMetadataKey && string.Equals(m.Value, "TRUE", StringComparison.OrdinalIgnoreCase)))
            throw ApiException.BadRequest($"Guest attributes are disabled for instance '{i.Path}'. Set the metadata key '{GuestAttributesMetadataKey}' to 'TRUE'.");
        var queryPath = r.Q("queryPath") ?? "";
        var found = i.GuestAttributes
            .Where(a => queryPath.EndsWith('/') ? a.Key.StartsWith(queryPath, StringComparison.Ordinal) : queryPath.Length == 0 || a.Key == queryPath)
            .ToList();
        if (found.Count == 0) throw ApiException.NotFound($"{i.Path}/guestAttributes/{queryPath}");
        var o = new JsonObject
        {
            ["kind"] = "compute#guestAttributes",
            ["queryPath"] = queryPath,
        };
        o["queryValue"] = new JsonObject
        {
            ["items"] = new JsonArray(found.Select(a => (JsonNode)new JsonObject
            {
                ["namespace"] = a.Key[..a.Key.IndexOf('/')],
                ["key"] = a.Key[(a.Key.IndexOf('/') + 1)..],
                ["value"] = a.Value,
            }).ToArray()),
        };
        o["selfLink"] = SelfLink($"{i.Path}/guestAttributes/{queryPath}");
        return o;
    }
}
