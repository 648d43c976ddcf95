using HaMaster.Engine.Errors;
using HaMaster.Engine.Naming;
using Xunit;

namespace HaMaster.Engine.Tests.Naming;

public class ResourceNamesTests
{
    [Theory]
    [InlineData("demo")]
    [InlineData("prod-east-1")]
    [InlineData("a")]
    public void Valid_names_pass(string name) => ResourceNames.ValidateClusterName(name);

    [Theory]
    [InlineData("")]
    [InlineData("Demo")]
    [InlineData("1demo")]
    [InlineData("demo-")]
    [InlineData("de_mo")]
    [InlineData("de.mo")]
    [InlineData("../etc")]
    [InlineData("demo cluster")]
    public void Invalid_names_are_refused_with_a_stable_id(string name)
    {
        var error = Assert.Throws<HaException>(() => ResourceNames.ValidateClusterName(name));
        Assert.Equal(ErrorIds.InvalidClusterName, error.ErrorId);
        Assert.Equal(HaErrorCategory.InvalidArgument, error.Category);
        Assert.Contains("lowercase", error.RecommendedAction);
    }

    [Fact]
    public void Names_leave_room_for_the_longest_suffix()
    {
        var longest = new string('a', ResourceNames.MaxClusterNameLength);
        ResourceNames.ValidateClusterName(longest);
        Assert.Equal(63, (longest + ResourceNames.LongestSuffix).Length);
        var error = Assert.Throws<HaException>(() => ResourceNames.ValidateClusterName(longest + "a"));
        Assert.Contains("63", error.Message);
    }

    [Fact]
    public void Replica_names_follow_kube_up()
    {
        Assert.Equal("demo-master", ResourceNames.FirstReplica("demo"));
        var taken = new List<string> { "demo-master" };
        for (var i = 0; i < 50; i++)
        {
            var name = ResourceNames.NewReplica("demo", taken);
            Assert.Matches("^demo-master-[0-9a-f]{3}$", name);
            Assert.DoesNotContain(name, taken);
            Assert.True(ResourceNames.BelongsTo(name, "demo"));
            taken.Add(name);
        }
        Assert.False(ResourceNames.BelongsTo("demo2-master-abc", "demo"));
    }
}
