using HaMaster.Gce;
using Xunit;

namespace HaMaster.Gce.Tests;

public sealed class GceNamesTests
{
    [Fact]
    public void Names_follow_kube_up()
    {
        Assert.Equal("demo-master-ip", GceNames.Address("demo"));
        Assert.Equal("demo-master-https", GceNames.HttpsFirewall("demo"));
        Assert.Equal("demo-master-etcd", GceNames.EtcdFirewall("demo"));
    }
}
