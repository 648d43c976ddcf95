using Newtonsoft.Json;
using Xunit;

namespace HaMaster.Gce.Tests.Compute;

/// <summary>The loss checker used on the fixtures catches what it is meant to catch.</summary>
public sealed class JsonFidelityTests
{
    private sealed class NumericId
    {
        [JsonProperty("id")] public long? Id { get; set; }
    }

    private sealed class Nested
    {
        [JsonProperty("inner")] public NumericId? Inner { get; set; }
        [JsonProperty("when")] public DateTime? When { get; set; }
    }

    [Fact]
    public void An_int64_read_as_a_number_loses_its_leading_zeros()
    {
        var error = Assert.ThrowsAny<Exception>(() => JsonFidelity.ReadLossless<NumericId>("""{"id":"000000000000000000000"}""", "id"));
        Assert.Contains("$.id", error.Message);
    }

    [Fact]
    public void Nested_losses_and_reformatted_dates_are_reported_and_unmodelled_fields_are_not()
    {
        var error = Assert.ThrowsAny<Exception>(() => JsonFidelity.ReadLossless<Nested>(
            """{"inner":{"id":"007","other":1},"when":"2024-04-01T12:34:56.123456Z","unmodelled":true}""", "nested"));
        Assert.Contains("$.inner.id", error.Message);
        Assert.Contains("$.when", error.Message);
        Assert.DoesNotContain("unmodelled", error.Message);
        Assert.DoesNotContain("other", error.Message);
    }
}
