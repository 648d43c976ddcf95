using System.Management.Automation;

namespace HaMaster.Tests;

/// <summary>Safety rule 11: private keys are owner-only and never appear in what the module writes.</summary>
public sealed class SecretsTests : IDisposable
{
    private readonly PowerShellSession _ps = new();

    [Fact]
    public void Keys_are_owner_only_and_never_printed()
    {
        var result = _ps.Run("New-HaCluster -Name keys -Verbose | Add-MasterReplica -Verbose; Get-MasterReplica keys; Get-EtcdMember keys; Get-HaCluster keys; Stop-MasterReplica -Cluster keys -Name keys-master -Verbose -Force -PassThru", throwOnError: true);

        var keys = Directory.GetFiles(_ps.Home, "*.key", SearchOption.AllDirectories);
        Assert.True(keys.Length >= 6, $"expected CA, etcd CA, client and per-replica keys, found {keys.Length}");
        foreach (var key in keys)
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(key));

        var everything = string.Join("\n", result.Output.Select(o => PSObject.AsPSObject(o).Properties.Select(p => $"{p.Name}={p.Value}")).SelectMany(p => p)
            .Concat(result.Verbose).Concat(result.Warnings).Concat(result.Errors.Select(e => e.ToString()))) + _ps.HostOutput;
        Assert.DoesNotContain("PRIVATE KEY", everything);
        foreach (var key in keys)
        {
            var body = File.ReadAllLines(key).Where(l => !l.StartsWith("-----", StringComparison.Ordinal)).ToList();
            Assert.All(body, line => Assert.DoesNotContain(line, everything));
        }
    }

    public void Dispose() => _ps.Dispose();
}
