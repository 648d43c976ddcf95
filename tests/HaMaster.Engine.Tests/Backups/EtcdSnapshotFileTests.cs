using System.Security.Cryptography;
using HaMaster.Engine.Backups;
using Xunit;

namespace HaMaster.Engine.Tests.Backups;

/// <summary>A snapshot counts only when etcd's own trailing SHA-256 holds over whole 512-byte blocks.</summary>
public sealed class EtcdSnapshotFileTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("hm-snap-").FullName;

    [Fact]
    public void A_snapshot_with_its_trailing_hash_holds_and_its_whole_file_hash_is_reported()
    {
        var bytes = Snapshot(blocks: 3);
        var check = EtcdSnapshotFile.Read(Write(bytes));
        Assert.True(check.IntegrityHolds);
        Assert.Equal(bytes.Length, check.SizeBytes);
        Assert.Equal(Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant(), check.Sha256);
    }

    [Fact]
    public void A_snapshot_larger_than_the_read_buffer_holds() =>
        Assert.True(EtcdSnapshotFile.Read(Write(Snapshot(blocks: 5000))).IntegrityHolds);

    [Theory]
    [InlineData("flipped")]
    [InlineData("truncated")]
    [InlineData("not-a-snapshot")]
    [InlineData("empty")]
    public void A_damaged_or_foreign_file_does_not_hold(string damage)
    {
        var bytes = Snapshot(blocks: 2);
        bytes = damage switch
        {
            "flipped" => Flip(bytes, 700),
            "truncated" => bytes[..^512],
            "not-a-snapshot" => "this is not an etcd snapshot\n"u8.ToArray(),
            _ => [],
        };
        Assert.False(EtcdSnapshotFile.Read(Write(bytes)).IntegrityHolds);
    }

    private static byte[] Snapshot(int blocks)
    {
        var database = new byte[blocks * 512];
        new Random(blocks).NextBytes(database);
        return [.. database, .. SHA256.HashData(database)];
    }

    private static byte[] Flip(byte[] bytes, int at)
    {
        var copy = (byte[])bytes.Clone();
        copy[at] ^= 0xFF;
        return copy;
    }

    private string Write(byte[] bytes)
    {
        var path = Path.Combine(_folder, Guid.NewGuid().ToString("N") + ".db");
        File.WriteAllBytes(path, bytes);
        return path;
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
