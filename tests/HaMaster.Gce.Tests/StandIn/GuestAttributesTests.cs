using System.Text.Json.Nodes;
using HaMaster.Gce.Compute;
using HaMaster.Gce.Ssh;
using HaMaster.Testing.Compute;
using Xunit;

namespace HaMaster.Gce.Tests.StandIn;

/// <summary>
/// <c>instances.getGuestAttributes</c> on the stand-in (off unless the metadata enables it, 404 until the
/// guest publishes, then <c>compute#guestAttributes</c>), and the host keys the module reads from it.
/// </summary>
public sealed class GuestAttributesTests : StandInTestBase
{
    [Fact]
    public async Task Host_keys_are_answered_once_published_and_only_when_the_metadata_enables_guest_attributes()
    {
        await CreateInstance("off");
        var disabled = await Get(ZonePath("instances/off/getGuestAttributes?queryPath=hostkeys/"));
        Assert.Equal(400, disabled.Status);
        Assert.Contains(ComputeStandIn.GuestAttributesMetadataKey, disabled.Message);

        var body = InstanceBody("on");
        body["metadata"] = new JsonObject
        {
            ["items"] = new JsonArray(new JsonObject { ["key"] = ComputeStandIn.GuestAttributesMetadataKey, ["value"] = "TRUE" }),
        };
        await Mutate(HttpMethod.Post, ZonePath("instances"), body);
        Assert.Equal(404, (await Get(ZonePath("instances/on/getGuestAttributes?queryPath=hostkeys/"))).Status);

        var hostKey = SshKeyPair.Generate("root@on").PublicKey.Split(' ');
        StandIn.SetGuestAttribute(Project, Zone, "on", "hostkeys", hostKey[0], hostKey[1]);
        var answer = await Get(ZonePath("instances/on/getGuestAttributes?queryPath=hostkeys/"));
        Assert.Equal(200, answer.Status);
        Assert.Equal("compute#guestAttributes", answer.Str("kind"));
        Assert.Equal("hostkeys/", answer.Str("queryPath"));
        var item = Assert.Single(answer.Body["queryValue"]!["items"]!.AsArray())!;
        Assert.Equal("hostkeys", (string?)item["namespace"]);
        Assert.Equal("ssh-ed25519", (string?)item["key"]);
        Assert.Equal(hostKey[1], (string?)item["value"]);

        using var compute = new ComputeService(new ComputeServiceOptions { Endpoint = StandIn.BaseUri.ToString() });
        Assert.Equal([SshKeyPair.FingerprintOf(Convert.FromBase64String(hostKey[1]))],
            await PublishedHostKeys.FingerprintsAsync(compute, Project, Zone, "on", CancellationToken.None));
        Assert.Empty(await PublishedHostKeys.FingerprintsAsync(compute, Project, Zone, "off", CancellationToken.None));

        // Some guests publish the whole public key line, comment included.
        StandIn.SetGuestAttribute(Project, Zone, "on", "hostkeys", hostKey[0], string.Join(' ', hostKey));
        Assert.Equal([SshKeyPair.FingerprintOf(Convert.FromBase64String(hostKey[1]))],
            await PublishedHostKeys.FingerprintsAsync(compute, Project, Zone, "on", CancellationToken.None));
    }
}
