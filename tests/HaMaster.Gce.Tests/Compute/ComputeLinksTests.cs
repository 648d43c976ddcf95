using HaMaster.Gce.Compute;
using Xunit;

namespace HaMaster.Gce.Tests.Compute;

public sealed class ComputeLinksTests
{
    [Theory]
    [InlineData("https://www.googleapis.com/compute/v1/projects/p/zones/z/instances/i", "projects/p/zones/z/instances/i")]
    [InlineData("https://www.googleapis.com/compute/beta/projects/p/zones/z/instances/i", "projects/p/zones/z/instances/i")]
    [InlineData("http://127.0.0.1:8080/compute/v1/projects/p/zones/z/instances/i?alt=json", "projects/p/zones/z/instances/i")]
    [InlineData("projects/p/zones/z/instances/i/", "projects/p/zones/z/instances/i")]
    [InlineData("zones/z/instances/i", null)]
    [InlineData("", null)]
    public void Tail(string link, string? tail) => Assert.Equal(tail, ComputeLinks.Tail(link));

    [Fact]
    public void Same_resource_whatever_host_and_version()
    {
        Assert.True(ComputeLinks.SameResource(
            "https://www.googleapis.com/compute/beta/projects/p/zones/z/instances/i",
            "https://compute.googleapis.com/compute/v1/projects/p/zones/z/instances/i"));
        Assert.True(ComputeLinks.SameResource("projects/p/zones/z/instances/i", ComputeLinks.Instance("p", "z", "i")));
        Assert.False(ComputeLinks.SameResource("projects/p/zones/z/instances/i", "projects/p/zones/z/instances/i2"));
        Assert.False(ComputeLinks.SameResource(null, null));
    }

    [Fact]
    public void Parts_of_a_link()
    {
        const string link = "https://www.googleapis.com/compute/v1/projects/my-proj/zones/us-central1-a/instances/demo-master";
        Assert.Equal("my-proj", ComputeLinks.ProjectOf(link));
        Assert.Equal("us-central1-a", ComputeLinks.ZoneOf(link));
        Assert.Null(ComputeLinks.RegionOf(link));
        Assert.Equal("demo-master", ComputeLinks.NameOf(link));
        Assert.Equal("us-central1", ComputeLinks.RegionOf("projects/my-proj/regions/us-central1"));
    }

    [Fact]
    public void Built_links_and_absolute_urls()
    {
        Assert.Equal("projects/p/regions/r/addresses/a", ComputeLinks.Address("p", "r", "a"));
        Assert.Equal("projects/p/global/httpHealthChecks/h", ComputeLinks.HttpHealthCheck("p", "h"));
        Assert.Equal("projects/p/global/networks/default", ComputeLinks.Network("p", "default"));
        Assert.Equal("http://127.0.0.1:9/compute/v1/projects/p/zones/z/instances/i",
            ComputeLinks.Absolute("http://127.0.0.1:9/compute/v1/", "https://www.googleapis.com/compute/beta/projects/p/zones/z/instances/i"));
    }
}
